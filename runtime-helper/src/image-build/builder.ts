// The legacy builder: a Dockerfile's stages run step by step, each step an image (dockerd
// 20.10's way: every instruction commits, the build cache is "a child of the same parent made
// by the same step"), with the message stream the docker CLI prints.
import { InvalidParameter, NotFound } from '../api/errors.js';
import type { ImageService } from '../images/image-service.js';
import type { ContainerConfig } from '../images/image-config.js';
import { parseDockerfile, splitWords, type Dockerfile, type Instruction } from './dockerfile-parser.js';
import { expandWord } from './substitute.js';
import { applyMeta, metaInstructions, setEnv, shellOf, type StageState } from './meta-instructions.js';
import { nopCmd, nopCmdString, withArgsPrefix } from './history-text.js';
import { commitStep, findCached, type LayerSource } from './step-image.js';
import { mkdirInView, type StepContainers } from './step-containers.js';
import type { BuildOutput } from './build-output.js';
import { RunFailed } from './build-output.js';
import type { BuildContext } from './build-context.js';
import { copyStep } from './copy-step.js';

export interface BuildOptions {
  buildArgs: Record<string, string | null>;
  labels: Record<string, string>;
  noCache: boolean;
  rm: boolean;
  forceRm: boolean;
  pull: boolean;
  target?: string;
  /** Aborted when the client goes away: the build stops at the next step, a RUN is killed. */
  cancel?: AbortSignal;
}

interface Stage { name?: string; from: Instruction; commands: Instruction[] }

interface Running extends StageState {
  imageId: string | null;
  /** Declared ARGs: name -> value (undefined: declared without one). */
  args: Map<string, string | undefined>;
}

/** Build args Docker allows without an ARG (and keeps out of the history). */
const predefinedArgs = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** Splits the Dockerfile into meta ARGs and stages; the target cuts the stages after it. */
export function planStages(df: Dockerfile, target: string | undefined): { metaArgs: Instruction[]; stages: Stage[] } {
  const metaArgs: Instruction[] = [];
  const stages: Stage[] = [];
  for (const inst of df.instructions) {
    if (inst.cmd === 'from') {
      const m = /^(\S+)(?:\s+[aA][sS]\s+(\S+))?\s*$/.exec(inst.rest.trim());
      if (!m) throw new InvalidParameter(`dockerfile parse error line ${inst.line}: FROM requires either one or three arguments`);
      const name = m[2]?.toLowerCase();
      if (name && stages.some((s) => s.name === name)) throw new InvalidParameter(`duplicate name ${name}`);
      stages.push({ ...(name ? { name } : {}), from: inst, commands: [] });
    } else if (stages.length === 0) {
      if (inst.cmd !== 'arg') throw new InvalidParameter('Please provide a source image with `from` prior to commit');
      metaArgs.push(inst);
    } else stages[stages.length - 1]!.commands.push(inst);
  }
  if (stages.length === 0) throw new InvalidParameter('No image was generated. Is your Dockerfile empty?');
  if (target !== undefined && target !== '') {
    const i = stages.findIndex((s) => s.name === target.toLowerCase());
    if (i < 0) throw new InvalidParameter(`failed to reach build target ${target} in Dockerfile`);
    stages.length = i + 1;
  }
  return { metaArgs, stages };
}

export class Builder {
  private readonly stageImages: Array<{ name?: string; imageId: string | null }> = [];
  private readonly usedArgs = new Set<string>();
  private readonly globalArgs = new Map<string, string | undefined>();
  private step = 0;
  /** Off while ONBUILD triggers run: their images are not shown one by one. */
  private idsShown = true;
  private total = 0;

  constructor(private readonly images: ImageService, private readonly containers: StepContainers, private readonly out: BuildOutput,
    private readonly context: BuildContext, private readonly opts: BuildOptions) {}

  /** Runs the build; returns the last stage's image ID. */
  async build(df: Dockerfile): Promise<string> {
    const { metaArgs, stages } = planStages(df, this.opts.target);
    // As dockerd: the query's labels are one more LABEL at the end of the last stage.
    // As dockerd 20.10: one LABEL step per query label, in key order.
    for (const k of Object.keys(this.opts.labels).sort()) {
      const v = this.opts.labels[k]!;
      stages[stages.length - 1]!.commands.push({ cmd: 'label', original: `LABEL ${k}=${v}`, flags: {}, rest: `${JSON.stringify(k)}=${JSON.stringify(v)}`, line: 0 });
    }
    this.total = metaArgs.length + stages.reduce((n, s) => n + 1 + s.commands.length, 0);
    for (const inst of metaArgs) {
      this.announce(inst);
      for (const [name, dflt] of this.argDecl(inst, df.escape)) {
        this.usedArgs.add(name);
        const given = this.opts.buildArgs[name];
        this.globalArgs.set(name, given ?? (dflt === undefined ? undefined : expandWord(dflt, this.definedGlobals(), df.escape)));
      }
    }
    let last: string | null = null;
    for (const stage of stages) {
      const state = await this.from(stage, df.escape);
      for (const inst of stage.commands) await this.dispatch(inst, state, df.escape);
      if (state.imageId === null) throw new InvalidParameter('No image was generated. Is your Dockerfile empty?');
      this.stageImages.push({ ...(stage.name ? { name: stage.name } : {}), imageId: state.imageId });
      this.out.aux(state.imageId);
      last = state.imageId;
    }
    const unused = Object.keys(this.opts.buildArgs).filter((k) => !this.usedArgs.has(k) && !predefinedArgs.has(k)).sort();
    if (unused.length) this.out.stream(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    return last!;
  }

  private announce(inst: Instruction): void {
    this.step++;
    this.out.stream(`Step ${this.step}/${this.total} : ${inst.original}`);
    this.out.stream('\n');
  }

  /** ARG's `name[=default]` words (several on one line, as dockerd 20.10 takes them). */
  private argDecl(inst: Instruction, escape: string): Array<[string, string | undefined]> {
    const words = splitWords(inst.rest, escape);
    if (words.length === 0) throw new InvalidParameter(`dockerfile parse error line ${inst.line}: ARG requires at least one argument`);
    return words.map((w) => {
      const eq = w.indexOf('=');
      if (eq === 0) throw new InvalidParameter(`dockerfile parse error line ${inst.line}: ARG names can not be blank`);
      return eq < 0 ? [w, undefined] : [w.slice(0, eq), w.slice(eq + 1)];
    });
  }

  private definedGlobals(): Map<string, string> {
    return new Map([...this.globalArgs].filter((e): e is [string, string] => e[1] !== undefined));
  }

  private async from(stage: Stage, escape: string): Promise<Running> {
    this.announce(stage.from);
    const baseText = expandWord(/^(\S+)/.exec(stage.from.rest.trim())![1]!, this.definedGlobals(), escape);
    const state: Running = { imageId: null, config: {}, cmdSet: false, args: new Map() };
    const previous = [...this.stageImages].reverse().find((s) => s.name === baseText.toLowerCase());
    if (previous) state.imageId = previous.imageId;
    else if (baseText.toLowerCase() !== 'scratch') state.imageId = this.baseImage(baseText);
    if (state.imageId) state.config = structuredClone(this.images.images.get(state.imageId).config.config ?? {}) as ContainerConfig;
    // As dockerd: a stage's config always has a PATH.
    if (!(state.config.Env ?? []).some((e) => e.startsWith('PATH='))) state.config.Env = setEnv(state.config.Env, 'PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    const triggers = state.config.OnBuild ?? [];
    state.config.OnBuild = null;
    if (triggers.length) {
      this.out.stream(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? '' : 's'}\n`);
      // As dockerd: the triggers' steps show their containers; the FROM step shows one image, the last.
      this.idsShown = false;
      try {
        for (const t of triggers) {
          const inst = parseDockerfile(t).instructions[0];
          if (inst) await this.dispatch(inst, state, escape, false);
        }
      } finally { this.idsShown = true; }
    }
    this.out.stream(` ---> ${state.imageId ? short(state.imageId) : ''}\n`);
    return state;
  }

  /** The base image from the local store only: berthd's builds never pull (no outside traffic). */
  private baseImage(name: string): string {
    try {
      return this.images.resolve(name).id;
    } catch (err) {
      if (err instanceof NotFound) {
        throw new NotFound(`pull access denied for ${name.replace(/:[^/:]*$/, '')}: ${err.message} (berthd builds use images in the local store and never pull)`);
      }
      throw err;
    }
  }

  /** What ${...} sees: the declared ARGs with values, under the stage's ENV. */
  private vars(state: Running): Map<string, string> {
    const vars = new Map<string, string>();
    for (const [k, v] of state.args) if (v !== undefined) vars.set(k, v);
    for (const e of state.config.Env ?? []) { const i = e.indexOf('='); vars.set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1)); }
    return vars;
  }

  /** The ARGs a RUN sees in its environment and history: declared, with a value, not shadowed by ENV. */
  private runArgs(state: Running): Array<[string, string]> {
    const envKeys = new Set((state.config.Env ?? []).map((e) => e.split('=')[0]));
    return [...state.args].filter((e): e is [string, string] => e[1] !== undefined && !envKeys.has(e[0]));
  }

  private async dispatch(inst: Instruction, state: Running, escape: string, announce = true): Promise<void> {
    if (this.opts.cancel?.aborted) throw new Error('build cancelled: the client went away');
    if (announce) this.announce(inst);
    if (inst.cmd === 'from') throw new InvalidParameter('FROM isn\'t allowed as an ONBUILD trigger');
    if (inst.cmd === 'arg') {
      const shown: string[] = [];
      for (const [name, dflt] of this.argDecl(inst, escape)) {
        this.usedArgs.add(name);
        const expanded = dflt === undefined ? undefined : expandWord(dflt, this.vars(state), escape);
        state.args.set(name, this.opts.buildArgs[name] ?? expanded ?? this.globalArgs.get(name));
        shown.push(expanded === undefined ? name : `${name}=${expanded}`);
      }
      await this.commitConfig(state, nopCmd(shellOf(state.config), `ARG ${shown.join(' ')}`));
      return;
    }
    if (metaInstructions.has(inst.cmd)) {
      const comment = applyMeta(inst, state, this.vars(state), escape);
      await this.commitConfig(state, nopCmd(shellOf(state.config), comment));
      return;
    }
    if (inst.cmd === 'run') return this.run(inst, state);
    if (inst.cmd === 'workdir') return this.workdir(inst, state, escape);
    if (inst.cmd === 'copy' || inst.cmd === 'add') {
      await copyStep({ inst, state, escape, vars: this.vars(state), context: this.context, images: this.images, containers: this.containers,
        stageImage: (ref) => this.stageImage(ref), commit: (cmd, layer, work) => this.commitWith(state, cmd, layer, work) });
      return;
    }
    throw new InvalidParameter(`dockerfile parse error line ${inst.line}: unknown instruction: ${inst.cmd.toUpperCase()}`);
  }

  /** --from=<stage name, stage index or image>. */
  private stageImage(ref: string): string | null {
    const byName = this.stageImages.find((s) => s.name === ref.toLowerCase());
    if (byName) return byName.imageId;
    if (/^\d+$/.test(ref)) {
      const s = this.stageImages[Number(ref)];
      if (!s) throw new InvalidParameter(`invalid from flag value ${ref}: index out of bounds`);
      return s.imageId;
    }
    try { return this.images.resolve(ref).id; } catch (err) {
      throw new InvalidParameter(`invalid from flag value ${ref}: ${(err as Error).message} (berthd builds never pull)`);
    }
  }

  /** A config-only step: cached, or a new image with no layer. */
  private async commitConfig(state: Running, cmd: string[]): Promise<void> {
    await this.commitWith(state, cmd, null);
  }

  /**
   * Commits a step: the cache first (unless nocache), else `work` (which may make a layer in a
   * container) and a new image. `work` returns the layer and the container to remove.
   */
  private async commitWith(state: Running, cmd: string[], layer: LayerSource, work?: () => Promise<{ layer: LayerSource; containerId?: string; cleanup?: () => Promise<void> }>): Promise<void> {
    if (!this.opts.noCache) {
      const hit = findCached(this.images, state.imageId, state.config, cmd);
      if (hit) {
        this.out.stream(' ---> Using cache\n');
        if (this.idsShown) this.out.stream(` ---> ${short(hit)}\n`);
        state.imageId = hit;
        return;
      }
    }
    let made: { layer: LayerSource; containerId?: string; cleanup?: () => Promise<void> } = { layer };
    if (work) made = await work();
    try {
      state.imageId = await commitStep(this.images, {
        parentId: state.imageId, config: structuredClone(state.config), cmd, layer: made.layer,
        ...(made.containerId ? { containerId: made.containerId } : {}), ...(state.maintainer ? { author: state.maintainer } : {}),
      });
    } finally {
      await made.cleanup?.();
    }
    if (this.idsShown) this.out.stream(` ---> ${short(state.imageId)}\n`);
  }

  private async run(inst: Instruction, state: Running): Promise<void> {
    const cmd = inst.json ?? [...shellOf(state.config), inst.rest];
    const args = this.runArgs(state);
    const saved = withArgsPrefix(args, cmd);
    await this.commitWith(state, saved, null, async () => {
      if (!state.imageId) throw new InvalidParameter('Please provide a source image with `from` prior to run');
      let env = state.config.Env ?? [];
      for (const [k, v] of args) env = setEnv(env, k, v);
      const id = await this.containers.create(state.imageId, { ...state.config, Env: env }, cmd, true);
      this.out.stream(` ---> Running in ${short(id)}\n`);
      let code: number;
      try {
        code = await this.containers.run(id, (text) => this.out.stream(text), this.opts.cancel);
      } catch (err) {
        if (this.opts.forceRm) await this.containers.remove(id).catch(() => {});
        throw err;
      }
      if (this.opts.cancel?.aborted) {
        // As dockerd: a cancelled build's container is killed and removed.
        await this.containers.remove(id).catch(() => {});
        throw new Error('build cancelled: the client went away');
      }
      if (code !== 0) {
        // As dockerd: a failed step's container stays unless forcerm.
        if (this.opts.forceRm) await this.containers.remove(id).catch(() => {});
        throw new RunFailed(cmd, code);
      }
      return { layer: { snapshotKey: this.containers.snapshotKey(id) }, containerId: id, cleanup: () => this.removeIntermediate(id) };
    });
  }

  private async removeIntermediate(id: string): Promise<void> {
    if (!this.opts.rm && !this.opts.forceRm) return;
    await this.containers.remove(id);
    this.out.stream(`Removing intermediate container ${short(id)}\n`);
  }

  private async workdir(inst: Instruction, state: Running, escape: string): Promise<void> {
    const raw = expandWord(inst.rest.trim(), this.vars(state), escape);
    if (raw === '') throw new InvalidParameter(`dockerfile parse error line ${inst.line}: WORKDIR requires exactly one argument`);
    const wd = raw.startsWith('/') ? normalize(raw) : normalize(`${state.config.WorkingDir || '/'}/${raw}`);
    state.config.WorkingDir = wd;
    const cmd = nopCmdString(shellOf(state.config), `WORKDIR ${wd}`);
    await this.commitWith(state, cmd, null, async () => {
      if (!state.imageId) return { layer: null };
      const id = await this.containers.create(state.imageId, state.config, cmd, false);
      this.out.stream(` ---> Running in ${short(id)}\n`);
      const { view, snapshotKey } = await this.containers.view(id);
      mkdirInView(view, wd, { uid: 0, gid: 0 });
      return { layer: { snapshotKey }, containerId: id, cleanup: () => this.removeIntermediate(id) };
    });
  }
}

function normalize(p: string): string {
  const parts: string[] = [];
  for (const s of p.split('/')) { if (s === '' || s === '.') continue; if (s === '..') parts.pop(); else parts.push(s); }
  return `/${parts.join('/')}`;
}
