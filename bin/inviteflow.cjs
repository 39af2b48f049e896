#!/usr/bin/env node
'use strict';
// A build runs its compiled JavaScript, as production does; a clone without one runs the TypeScript sources
// through tsx, so `npx inviteflow` works straight after `npm install`.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'bin', 'inviteflow.js');
if (existsSync(built)) {
  require(built);
} else {
  require('tsx/cjs');
  require(join(__dirname, 'inviteflow.ts'));
}
