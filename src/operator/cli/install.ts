// octant install [--prefix DIR] [--service]: put this executable on PATH as
// PREFIX/bin/octant (default /usr/local as root, ~/.local otherwise), written
// beside its destination and renamed over it, so a running copy keeps its
// own file (an upgrade is the same command). --service also writes a
// systemd unit that boots the system (docs/runtime.md "Installing").
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { boolFlag, stringFlag } from '../../lib/args.ts';
import { copyFileAtomic, writeFileAtomic } from '../../lib/atomic-file.ts';
import { EXIT, OctantError } from '../../lib/errors.ts';
import { writeLine } from '../../lib/io.ts';
import { buildInfo } from '../../lib/build-info.ts';
import { UTILITIES } from '../../utils/index.ts';
import type { Command } from './command.ts';
import { loadCommands } from './commands.ts';
import { bashScript } from './completion-scripts.ts';
import { commandPage, overviewPage } from './man-page.ts';

const NOTES = `Run it again to upgrade. The unit runs 'octant boot'; enable it with:
  systemctl daemon-reload && systemctl enable --now octant
Man pages go to PREFIX/share/man/man1, the bash completion to
PREFIX/share/bash-completion/completions/octant.
Uninstall: rm PREFIX/bin/octant PREFIX/share/man/man1/octant*.1
PREFIX/share/bash-completion/completions/octant (and the unit; the state
stays in /var/lib/octant).`;

/** The systemd unit: the system in the foreground, restarted if it dies. */
export function serviceUnit(executable: string): string {
  return `[Unit]
Description=OctantOS: agents confined by signed capability manifests
After=network-online.target

[Service]
ExecStart=${executable} boot
ExecStop=${executable} stop
Restart=on-failure
RestartSec=2
# The agents' sandboxes need root (cgroups, user namespaces for agent uids).
User=root

[Install]
WantedBy=multi-user.target
`;
}

/**
 * Man pages (PREFIX/share/man/man1) and the bash completion
 * (PREFIX/share/bash-completion/completions, where bash-completion looks),
 * generated from the command declarations of this very executable.
 */
async function installDocs(prefix: string): Promise<{ manDir: string; pages: number; completion: string }> {
  const commands = await loadCommands();
  const manDir = join(prefix, 'share', 'man', 'man1');
  const completionDir = join(prefix, 'share', 'bash-completion', 'completions');
  mkdirSync(manDir, { recursive: true });
  mkdirSync(completionDir, { recursive: true });
  writeFileAtomic(join(manDir, 'octant.1'), overviewPage(commands), { mode: 0o644 });
  for (const c of commands) writeFileAtomic(join(manDir, `octant-${c.name}.1`), commandPage(c), { mode: 0o644 });
  const completion = join(completionDir, 'octant');
  writeFileAtomic(completion, bashScript(commands, UTILITIES.map((u) => u.name)), { mode: 0o644 });
  return { manDir, pages: commands.length + 1, completion };
}

export const command: Command = {
  name: 'install',
  summary: 'copy this executable onto PATH (PREFIX/bin/octant); optionally a systemd unit',
  options: {
    prefix: { type: 'string', value: 'DIR', help: 'install as DIR/bin/octant (default /usr/local as root, ~/.local otherwise)' },
    service: { type: 'boolean', help: 'also write the systemd unit octant.service' },
    'unit-dir': { type: 'string', value: 'DIR', help: 'where the unit goes (default /etc/systemd/system)' },
  },
  positionals: false,
  notes: NOTES,
  async run(parsed, { io }) {
    if (!buildInfo().sea) {
      throw new OctantError('E_INSTALL_SOURCE', 'install: this is octant running from its sources; install the built executable', { exit: EXIT.usage, hint: 'node scripts/build.ts, then dist/octant install' });
    }
    const root = process.getuid?.() === 0;
    const prefix = resolve(io.cwd, stringFlag(parsed, 'prefix') ?? (root ? '/usr/local' : join(io.env.HOME ?? homedir(), '.local')));
    const bin = join(prefix, 'bin');
    const target = join(bin, 'octant');
    mkdirSync(bin, { recursive: true });
    try {
      copyFileAtomic(process.execPath, target, { mode: 0o755 });
    } catch (error) {
      throw new OctantError('E_INSTALL', `install: cannot write ${target}: ${(error as Error).message}`, { exit: EXIT.failure, cause: error });
    }
    writeLine(io.stdout, `installed ${target} (${buildInfo().version})`);
    if (!(io.env.PATH ?? '').split(':').includes(bin)) writeLine(io.stdout, `note: ${bin} is not on your PATH; add it (export PATH="${bin}:$PATH")`);
    const docs = await installDocs(prefix);
    writeLine(io.stdout, `wrote ${docs.pages} man pages in ${docs.manDir} (man octant-ledger) and bash completion ${docs.completion}`);
    if (boolFlag(parsed, 'service')) {
      const unitDir = resolve(io.cwd, stringFlag(parsed, 'unit-dir') ?? '/etc/systemd/system');
      mkdirSync(unitDir, { recursive: true });
      const unit = join(unitDir, 'octant.service');
      writeFileAtomic(unit, serviceUnit(target), { mode: 0o644 });
      writeLine(io.stdout, `wrote ${unit}; start it with: systemctl daemon-reload && systemctl enable --now octant`);
    }
    return EXIT.ok;
  },
};
