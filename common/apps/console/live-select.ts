// A select prompt whose rows change while it is shown (the central's scan list: peripherals appear,
// RSSI moves). The list is a source the prompt subscribes to; each change re-renders through
// inquirer's own screen manager, so nothing is garbled. The highlighted row is kept by key, so a
// row moving or a new one arriving does not move the cursor to another device.
import { escapeField } from '../../base/output/escape.js';
import { createPrompt, isDownKey, isEnterKey, isUpKey, useEffect, useKeypress, usePrefix, useState } from '@inquirer/core';

export interface LiveRow<T> {
  /** Stable identity (an address): the highlight follows it. */
  key: string;
  name: string;
  value: T;
}

/** Rows now, and a way to hear about new ones. */
export interface LiveList<T> {
  rows(): LiveRow<T>[];
  /** Called on every change; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
  /** Lines shown above the rows (column headings). */
  header?: string;
}

export interface LiveSelectConfig<T> {
  message: string;
  list: LiveList<T>;
  /** Shown while there is no row. */
  empty?: string;
}

const CURSOR = '❯';

export const liveSelect = createPrompt(<T>(config: LiveSelectConfig<T>, done: (value: T) => void) => {
  const [rows, setRows] = useState<LiveRow<T>[]>(config.list.rows());
  const [activeKey, setActiveKey] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<'idle' | 'done'>('idle');
  const prefix = usePrefix({ status });

  useEffect(() => config.list.subscribe(() => setRows([...config.list.rows()])), []);

  const index = Math.max(0, rows.findIndex((r) => r.key === activeKey));
  const active = rows[index];

  useKeypress((key) => {
    if (isEnterKey(key)) {
      if (!active) return;
      setStatus('done');
      done(active.value);
    } else if (isUpKey(key) || isDownKey(key)) {
      if (rows.length === 0) return;
      const next = Math.min(rows.length - 1, Math.max(0, index + (isUpKey(key) ? -1 : 1)));
      setActiveKey(rows[next]!.key);
    }
  });

  if (status === 'done') return `${prefix} ${config.message} ${escapeField(active?.name.trim() ?? '')}`;
  const lines = [`${prefix} ${config.message}`];
  if (config.list.header) lines.push(`  ${config.list.header}`);
  if (rows.length === 0) lines.push(`  ${config.empty ?? '(nothing yet)'}`);
  rows.forEach((r, i) => lines.push(`${i === index ? CURSOR : ' '} ${escapeField(r.name)}`));
  lines.push('  (↑↓ to move, Enter to pick; the list updates as advertisements arrive)');
  return lines.join('\n');
});
