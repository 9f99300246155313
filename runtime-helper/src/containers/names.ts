// Container names: Docker's validation rule and its adjective_surname generator.
import { randomBytes, randomInt } from 'node:crypto';

const validName = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export function isValidName(name: string): boolean {
  return validName.test(name);
}

const left = ['admiring', 'brave', 'calm', 'dazzling', 'eager', 'festive', 'gallant', 'happy', 'jolly', 'keen', 'lucid', 'modest', 'nifty', 'optimistic', 'peaceful', 'quirky', 'relaxed', 'serene', 'trusting', 'vibrant', 'wizardly', 'youthful', 'zealous'];
const right = ['albattani', 'bohr', 'curie', 'darwin', 'euler', 'fermi', 'galileo', 'hopper', 'johnson', 'kepler', 'lovelace', 'meitner', 'newton', 'noether', 'pasteur', 'ritchie', 'shannon', 'tesla', 'turing', 'wozniak', 'yalow'];

export function generateName(taken: (name: string) => boolean): string {
  for (let i = 0; i < 50; i++) {
    const name = `${left[randomInt(left.length)]}_${right[randomInt(right.length)]}${i > 5 ? randomInt(100) : ''}`;
    if (!taken(name)) return name;
  }
  return `berth_${randomBytes(6).toString('hex')}`;
}

export function newId(): string {
  return randomBytes(32).toString('hex');
}

/** go-units HumanDuration, which `docker ps` shows in its STATUS column. */
export function humanDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.round(ms / 60000);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(ms / 3600000);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

/** Signal names and numbers as `docker kill -s` accepts them. */
const signals: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11, USR2: 12,
  PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22,
  URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, PWR: 30, SYS: 31,
};

export function parseSignal(raw: string): number | null {
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    return n > 0 && n <= 64 ? n : null;
  }
  const name = raw.toUpperCase().replace(/^SIG/, '');
  const rt = /^RTMIN(?:\+(\d+))?$/.exec(name);
  if (rt) return 34 + Number(rt[1] ?? 0);
  return signals[name] ?? null;
}
