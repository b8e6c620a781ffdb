import * as assert from 'assert';
import { gitWebLink, repoWebUrl } from '../../../src/runDetails/gitLinks';

const SHA = '0000000000000002b0e37d8f796325d18650c9a0';

describe('webview git web links', () => {
  it('normalizes https and ssh remotes of every host', () => {
    const cases: [string, string][] = [
      ['https://github.com/example-org/iris-demo.git', 'https://github.com/example-org/iris-demo'],
      ['git@github.com:example-org/iris-demo.git', 'https://github.com/example-org/iris-demo'],
      ['ssh://git@gitlab.example.com:2222/group/sub/proj.git', 'https://gitlab.example.com/group/sub/proj'],
      ['https://user:token@gitlab.com/g/p.git', 'https://gitlab.com/g/p'],
      ['git@bitbucket.org:team/repo.git', 'https://bitbucket.org/team/repo'],
      ['git@ssh.dev.azure.com:v3/org/project/repo', 'https://dev.azure.com/org/project/_git/repo'],
      ['https://org@dev.azure.com/org/project/_git/repo', 'https://dev.azure.com/org/project/_git/repo'],
      ['git://git.example.org/proj.git/', 'https://git.example.org/proj'],
    ];
    for (const [remote, want] of cases) assert.strictEqual(repoWebUrl(remote), want, remote);
  });

  it('refuses what is not a web-reachable remote', () => {
    for (const r of ['', '/home/me/repo', 'C:\\repos\\x', 'file:///srv/git/x.git', 'javascript:alert(1)//x', 'ftp://h/x']) assert.strictEqual(repoWebUrl(r), undefined, r);
  });

  it('links the commit page in each host’s own URL form', () => {
    assert.strictEqual(gitWebLink('https://github.com/o/r.git', SHA)?.url, `https://github.com/o/r/commit/${SHA}`);
    assert.strictEqual(gitWebLink('git@gitlab.com:g/p.git', SHA)?.url, `https://gitlab.com/g/p/-/commit/${SHA}`);
    assert.strictEqual(gitWebLink('git@bitbucket.org:t/r.git', SHA)?.url, `https://bitbucket.org/t/r/commits/${SHA}`);
    assert.strictEqual(gitWebLink('git@ssh.dev.azure.com:v3/o/p/r', SHA)?.url, `https://dev.azure.com/o/p/_git/r/commit/${SHA}`);
    assert.strictEqual(gitWebLink('https://git.example.org/o/r', SHA)?.url, `https://git.example.org/o/r/commit/${SHA}`);
    assert.match(gitWebLink('https://github.com/o/r', SHA)!.label, /GitHub/);
  });

  it('falls back to the repository without a valid commit, and to nothing without a remote', () => {
    assert.deepStrictEqual(gitWebLink('https://github.com/o/r', undefined), { url: 'https://github.com/o/r', label: 'Open repository on GitHub', host: 'github' });
    assert.strictEqual(gitWebLink('https://github.com/o/r', 'not a sha; rm -rf')?.url, 'https://github.com/o/r');
    assert.strictEqual(gitWebLink(undefined, SHA), undefined);
  });
});
