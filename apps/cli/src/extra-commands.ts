import type { Command } from 'commander';

/** Subcommands of later capabilities (seed, replay, kpi export, audit) register here, one line each. */
export function registerExtraCommands(_program: Command, _fail: (e: unknown) => never): void {}
