#!/usr/bin/env node
// npm's bin entry: runs the TypeScript CLI through tsx (ts-node breaks on TypeScript 7).
import { register } from 'tsx/esm/api';

register();
await import('./fanpulse.ts');
