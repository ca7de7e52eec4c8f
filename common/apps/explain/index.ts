// explain: a capture's security story per connection, and the failure patterns its evidence shows.
export * from './facts.js';
export * from './patterns.js';
export * from './rules.js';
export * from './explain-capture.js';
export * from './render.js';
