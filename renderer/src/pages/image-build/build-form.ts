// The build form's text fields turned into a build request, with the problems in words.
import type { BuildSpec } from '@shared/contract';
import { toRecord, type KeyValue } from '../volumes/KeyValueEditor';

// [host[:port]/]name[:tag] in lowercase, as the docker CLI's -t takes it.
const TAG = /^[a-z0-9]+([._-]+[a-z0-9]+)*(\.[a-z0-9-]+)*(:\d+)?(\/[a-z0-9]+([._-]+[a-z0-9]+)*)*(:[\w][\w.-]{0,127})?$/;

/** Tags separated by spaces, commas or new lines; none is fine (an untagged image). */
export function parseTags(text: string): { tags: string[]; errors: string[] } {
  const tags: string[] = [];
  const errors: string[] = [];
  for (const t of text.split(/[\s,]+/).filter(Boolean)) {
    if (!TAG.test(t)) errors.push(`Tag '${t}': use name[:tag] in lowercase, like myapp:1.0 or host:5000/team/app:dev`);
    else if (!tags.includes(t)) tags.push(t);
  }
  return { tags, errors };
}

export interface BuildFormValues {
  context: string; dockerfile: string; tags: string; buildArgs: KeyValue[]; target: string; noCache: boolean; network: NonNullable<BuildSpec['network']>;
}

export const EMPTY_BUILD_FORM: BuildFormValues = { context: '', dockerfile: 'Dockerfile', tags: '', buildArgs: [], target: '', noCache: false, network: 'default' };

export function toBuildSpec(v: BuildFormValues): { spec: BuildSpec; errors: string[] } {
  const { tags, errors } = parseTags(v.tags);
  const args = toRecord(v.buildArgs, 'Build arg');
  const target = v.target.trim();
  const problems = [...errors, ...args.errors];
  if (!v.context.trim()) problems.unshift('Context folder: choose the folder to build from');
  else if (!v.context.trim().startsWith('/')) problems.unshift('Context folder: give its full path, starting with /');
  if (target && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(target)) problems.push('Target stage: a stage name (letters, digits, _ . -)');
  return {
    spec: { context: v.context.trim(), dockerfile: v.dockerfile.trim() || 'Dockerfile', tags, buildArgs: args.record, ...(target ? { target } : {}), noCache: v.noCache, network: v.network },
    errors: problems,
  };
}

/** Build output split into lines as it streams: `partial` is the text after the last newline. */
export function appendOutput(prev: { lines: string[]; partial: string }, text: string): { lines: string[]; partial: string } {
  const parts = (prev.partial + text).replace(/\r\n/g, '\n').split('\n');
  const partial = parts.pop() ?? '';
  return { lines: parts.length ? [...prev.lines, ...parts] : prev.lines, partial };
}
