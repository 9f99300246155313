// How berthd is started: directly when we are root, otherwise through pkexec (the polkit policy in
// assets/ names the launcher path).
export interface LaunchCommand { command: string; args: string[]; elevated: boolean }

export function launchCommand(command: string, args: string[], uid: number | undefined = process.getuid?.()): LaunchCommand {
  if (uid === 0) return { command, args, elevated: false };
  return { command: 'pkexec', args: [command, ...args], elevated: true };
}
