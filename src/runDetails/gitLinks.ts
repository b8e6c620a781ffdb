// Web links for a run's git source (pure): the commit page on GitHub, GitLab, Bitbucket, Azure
// DevOps, or any other https host (GitLab-style /-/commit/ is a guess; the repository link is the
// fallback). SSH remotes (git@host:owner/repo.git, ssh://git@host[:port]/owner/repo) become https.

export interface GitWebLink {
  url: string;
  label: string;
  host: 'github' | 'gitlab' | 'bitbucket' | 'azure' | 'generic';
}

/** https URL of the repository, or undefined when the remote is not a web-reachable git URL. */
export function repoWebUrl(remote: string): string | undefined {
  const r = remote.trim();
  let scheme = 'https';
  let host: string;
  let path: string;
  // scp-like (git@github.com:owner/repo.git): a user@ or a dotted host, so `javascript:…` is no host
  let m = /^([\w.-]+@)?([\w.-]{2,}):(?!\/\/)([^\\\s]+)$/.exec(r);
  if (m && !r.includes('://') && (m[1] || m[2].includes('.'))) {
    host = m[2];
    path = m[3];
  } else {
    m = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/]*@)?([^/:?#\s]+)(?::\d+)?\/([^\s]+)$/i.exec(r);
    if (!m) return undefined;
    const s = m[1].toLowerCase();
    host = m[2];
    path = m[3];
    if (s === 'http') scheme = 'http';
    else if (s !== 'https' && !['ssh', 'git', 'git+ssh', 'ssh+git'].includes(s)) return undefined;
  }
  if (/^ssh\.dev\.azure\.com$/i.test(host) || /^vs-ssh\.visualstudio\.com$/i.test(host)) {
    // Azure DevOps SSH: v3/org/project/repo → https://dev.azure.com/org/project/_git/repo
    const parts = path.replace(/^\/?v3\//, '').split('/');
    if (parts.length < 3) return undefined;
    return `https://dev.azure.com/${parts[0]}/${parts[1]}/_git/${parts.slice(2).join('/').replace(/\.git$/, '')}`;
  }
  host = host.replace(/^ssh\./i, '');
  path = path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  if (!path) return undefined;
  try {
    const u = new URL(`${scheme}://${host}/${path}`);
    return u.toString().replace(/\/+$/, '');
  } catch {
    return undefined;
  }
}

export function hostKind(url: string): GitWebLink['host'] {
  const h = new URL(url).hostname.toLowerCase();
  if (h === 'github.com' || h.startsWith('github.')) return 'github';
  if (h === 'gitlab.com' || h.startsWith('gitlab.')) return 'gitlab';
  if (h === 'bitbucket.org' || h.startsWith('bitbucket.')) return 'bitbucket';
  if (h === 'dev.azure.com' || h.endsWith('.visualstudio.com')) return 'azure';
  return 'generic';
}

/** The commit's web page (or the repository's when there is no commit). */
export function gitWebLink(remote: string | undefined, commit: string | undefined): GitWebLink | undefined {
  const repo = remote && repoWebUrl(remote);
  if (!repo) return undefined;
  const host = hostKind(repo);
  const name = { github: 'GitHub', gitlab: 'GitLab', bitbucket: 'Bitbucket', azure: 'Azure Repos', generic: new URL(repo).hostname }[host];
  const sha = commit && /^[0-9a-f]{7,64}$/i.test(commit) ? commit : undefined;
  if (!sha) return { url: repo, label: `Open repository on ${name}`, host };
  const url = {
    github: `${repo}/commit/${sha}`,
    gitlab: `${repo}/-/commit/${sha}`,
    bitbucket: `${repo}/commits/${sha}`,
    azure: `${repo}/commit/${sha}`,
    generic: `${repo}/commit/${sha}`,
  }[host];
  return { url, label: `Open commit on ${name}`, host };
}
