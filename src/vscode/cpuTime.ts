/** This thread's CPU time in ms; the whole process's on a Node older than 23.9. */
export function threadCpuMs(): number {
  // Typed by hand: @types/node follows the oldest Node that VS Code's engine range allows.
  const { threadCpuUsage } = process as { threadCpuUsage?: () => NodeJS.CpuUsage };
  const usage = threadCpuUsage ? threadCpuUsage.call(process) : process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}
