import * as vscode from 'vscode';
import { SecretKeys } from '../ids';

export type Credentials = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

/** Credentials per tracking URI, only ever in SecretStorage. */
export class CredentialStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(uri: string): Promise<Credentials | undefined> {
    const raw = await this.secrets.get(SecretKeys.credentials(uri));
    if (!raw) return undefined;
    try {
      const c = JSON.parse(raw) as Credentials;
      if (c.type === 'basic' && typeof c.username === 'string' && typeof c.password === 'string') return c;
      if (c.type === 'bearer' && typeof c.token === 'string') return c;
    } catch {
      // unreadable: treat as absent
    }
    return undefined;
  }

  set(uri: string, c: Credentials): Thenable<void> {
    return this.secrets.store(SecretKeys.credentials(uri), JSON.stringify(c));
  }

  delete(uri: string): Thenable<void> {
    return this.secrets.delete(SecretKeys.credentials(uri));
  }

  /**
   * Asks for credentials for `uri`; undefined when the user cancels. `previous` (e.g. the ones the server just
   * rejected) comes first and pre-fills the user name, so a mistyped password is all that has to be typed again.
   */
  async prompt(uri: string, reason: string, previous?: Credentials): Promise<Credentials | undefined> {
    const kinds = [
      { label: 'Username and password', description: 'HTTP Basic, as mlflow server --app-name basic-auth uses', id: 'basic' as const },
      { label: 'Access token', description: 'Sent as a Bearer token', id: 'bearer' as const },
    ];
    if (previous?.type === 'bearer') kinds.reverse();
    const kind = await vscode.window.showQuickPick(kinds, { title: `Sign in to ${uri}`, placeHolder: reason, ignoreFocusOut: true });
    if (!kind) return undefined;
    if (kind.id === 'bearer') {
      const token = await vscode.window.showInputBox({ title: `Token for ${uri}`, password: true, ignoreFocusOut: true, prompt: 'Kept in VS Code\'s secret storage, never in settings.' });
      return token ? { type: 'bearer', token } : undefined;
    }
    const username = await vscode.window.showInputBox({ title: `Username for ${uri}`, value: previous?.type === 'basic' ? previous.username : undefined, ignoreFocusOut: true });
    if (!username) return undefined;
    const password = await vscode.window.showInputBox({ title: `Password for ${username} at ${uri}`, password: true, ignoreFocusOut: true, prompt: 'Kept in VS Code\'s secret storage, never in settings.' });
    return password === undefined ? undefined : { type: 'basic', username, password };
  }
}
