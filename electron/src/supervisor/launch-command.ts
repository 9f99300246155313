// How berthd is started: directly when we are root; otherwise through pkexec, which runs the
// installed launcher (its absolute path is what the polkit policy in assets/ names, and how
// pkexec picks the action org.berth.berthd.start). pkexec passes no environment variables, so
// the launcher's arguments carry every setting. Without a launcher, pkexec runs the command
// itself (polkit's generic org.freedesktop.policykit.exec action).
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export const DEFAULT_LAUNCHER = '/usr/libexec/berth/berthd-launch';

export interface LaunchCommand { command: string; args: string[]; elevated: boolean }

export interface LaunchPlan {
  /** As root: run this with these arguments. */
  command: string;
  args: string[];
  /** Not root: pkexec runs this absolute path with launcherArgs. */
  launcher?: string | undefined;
  launcherArgs?: string[] | undefined;
  /** The pkexec to run (a name looked up in PATH, or a path). */
  pkexec?: string | undefined;
}

export function launchCommand(plan: LaunchPlan, uid: number | undefined = process.getuid?.()): LaunchCommand {
  if (uid === 0) return { command: plan.command, args: plan.args, elevated: false };
  const pkexec = plan.pkexec ?? 'pkexec';
  if (plan.launcher) return { command: pkexec, args: [plan.launcher, ...(plan.launcherArgs ?? [])], elevated: true };
  return { command: pkexec, args: [plan.command, ...plan.args], elevated: true };
}

function executable(path: string): boolean {
  try { accessSync(path, constants.X_OK); return true; } catch { return false; }
}

/** Why an elevated launch cannot work before trying it (so no password is asked for nothing),
 * or null when pkexec and the program it would run are there. */
export function elevatedLaunchProblem(cmd: LaunchCommand, path = process.env.PATH ?? '/usr/bin:/bin'): string | null {
  if (!cmd.elevated) return null;
  const found = cmd.command.includes('/') ? executable(cmd.command) : path.split(delimiter).some((d) => d && executable(join(d, cmd.command)));
  if (!found) return `start berthd: the app is not root and ${cmd.command} is not installed (Debian package pkexec); install it, or start the app as root`;
  const program = cmd.args[0] ?? '';
  if (!isAbsolute(program)) return `start berthd: pkexec needs an absolute program path, got '${program}'`;
  if (!executable(program)) return `start berthd: ${program} is not installed; run assets/install-pkexec.sh as root (it installs the launcher and the polkit policy), or start the app as root`;
  return null;
}
