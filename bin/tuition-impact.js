#!/usr/bin/env node
// Runs the TypeScript CLI in this same process (tsx's loader registered in-process), so
// `npx tuition-impact` needs no build step and a signal sent to it reaches the pipeline itself.
import { register } from "tsx/esm/api";

register();
await import("../pipelines/cli.ts");
