#!/usr/bin/env node
// npm's bin entry: runs the TypeScript CLI through tsx (ts-node breaks on TypeScript 7).
import { register } from 'tsx/esm/api';

// The SDK warns on every run that its 2027 releases need Node 22; the lock file pins a release
// that supports this Node, and the README says so. Users who want the warning can set it to false.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('./fanpulse.ts');
