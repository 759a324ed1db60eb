'use strict';
// CPU counters of the benchmarks, from /proc: the CPU seconds of process trees (a process and every descendant) and
// of the whole machine between two snapshots, so that a figure can be told apart from the load around it.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

/** Clock ticks per second of /proc/<pid>/stat and /proc/stat. */
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** The fields of /proc/PID/stat after the command name (index 0 is the state, field 3 of proc(5)). */
function statFields(pid) {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Every process on the machine: its parent and its CPU ticks (utime + stime + cutime + cstime), by PID. */
function processTable() {
  const table = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let f;
    try { f = statFields(entry); } catch { continue; }
    table.set(Number(entry), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
  }
  return table;
}

/**
 * CPU ticks of a process and all its descendants. A descendant that exited and was reaped counts in its parent's
 * cutime + cstime. (A process group would not do: every PostgreSQL backend calls setsid().)
 * @param {Map<number, { ppid: number, ticks: number }>} table
 * @param {number} root
 */
function treeTicks(table, root) {
  const children = new Map();
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  let ticks = 0;
  for (const queue = [root]; queue.length > 0;) {
    const pid = queue.pop();
    ticks += table.get(pid)?.ticks ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return ticks;
}

/** The machine's busy and total CPU ticks since boot (/proc/stat: everything but idle and iowait is busy). */
function machineTicks() {
  const cols = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = cols.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - cols[3] - cols[4], total };
}

/** A snapshot of the CPU counters: each process tree's ticks, the machine's, this process's, and the time. */
function cpuSnapshot(processes) {
  const table = processTable();
  return {
    at: performance.now(),
    byProcess: Object.fromEntries(processes.map((p) => [p.name, treeTicks(table, p.pid)])),
    machine: machineTicks(),
    self: process.cpuUsage(),
  };
}

/** CPU seconds between two snapshots: per process tree, this process, the machine's busy time, and the wall time. */
function cpuBetween(a, b) {
  const seconds = (ticks) => ticks / CLK_TCK;
  const byProcess = Object.fromEntries(Object.keys(a.byProcess).map((k) => [k, seconds(b.byProcess[k] - a.byProcess[k])]));
  const self = process.cpuUsage(a.self);
  return {
    wallSeconds: (b.at - a.at) / 1000,
    byProcess,
    bench: (self.user + self.system) / 1e6,
    machineBusy: seconds(b.machine.busy - a.machine.busy),
    machineTotal: seconds(b.machine.total - a.machine.total),
  };
}

module.exports = { cpuSnapshot, cpuBetween };
