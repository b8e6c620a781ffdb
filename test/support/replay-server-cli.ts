// Manual use: serve recorded MLflow transcripts on a local port.
//   npx tsx test/support/replay-server-cli.ts v3 [v3-auth …] [--port 5000] [--lenient] [--quiet]
// Prints the URL, then one line per request (matched transcript or why nothing matched).
import { startReplayServer } from './replayServer';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const dirs: string[] = [];
  let port: number | undefined;
  let lenient = false;
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--port') port = Number(args[++i]);
    else if (a === '--lenient') lenient = true;
    else if (a === '--quiet') quiet = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: replay-server-cli <dir…> [--port N] [--lenient] [--quiet]   (dirs: v2 v3 v2-filestore v3-filestore v2-auth v3-auth)');
      return;
    } else dirs.push(a);
  }
  if (!dirs.length) dirs.push('v3');
  const srv = await startReplayServer(dirs, { port, lenient, log: quiet ? undefined : (l) => console.error(l) });
  console.log(srv.url);
  const stop = () => void srv.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
