'use strict';
/**
 * What the benches read of the machine from /proc (Linux only): a process's CPU time, and how busy
 * the whole machine was over a measurement. The project's machine is small and shared with other
 * work, so a figure means little without the load it was taken under.
 */
const fs = require('node:fs');
const os = require('node:os');

/** CPU time (user + system) a process has used so far, in ms. */
function cpuMs(pid) {
	try {
		const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return Number.NaN;
	}
}

/** The machine's CPU time so far, all cores together, in clock ticks: busy and total. */
function machineTicks() {
	try {
		const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
		const ticks = fields.map(Number);
		// idle and iowait are the idle ones; the rest is work done by someone.
		const idle = ticks[3] + (ticks[4] || 0);
		const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
		return { busy: total - idle, total };
	} catch {
		return { busy: Number.NaN, total: Number.NaN };
	}
}

/**
 * Starts watching the machine; stop() returns the load average at start and end, and how busy
 * the cores were in between (100 % = every core busy all the time), whoever kept them busy.
 */
function watchMachine() {
	const loadStart = os.loadavg()[0];
	const ticksStart = machineTicks();
	return {
		stop() {
			const ticksEnd = machineTicks();
			const busyPercent =
				(100 * (ticksEnd.busy - ticksStart.busy)) / (ticksEnd.total - ticksStart.total);
			return {
				cores: os.cpus().length,
				loadAverage1mStart: +loadStart.toFixed(2),
				loadAverage1mEnd: +os.loadavg()[0].toFixed(2),
				busyPercent: Math.round(busyPercent),
			};
		},
	};
}

module.exports = { cpuMs, watchMachine };
