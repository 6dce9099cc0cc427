/** Waiting on a writable's backpressure (an export's HTTP reply, its file). */

/** Until a writable has room again, or is gone; no listener left behind either way. */
export async function drainOrClose (stream: NodeJS.EventEmitter & { destroyed?: boolean }): Promise<void> {
  if (stream.destroyed === true) return
  await new Promise<void>(resolve => {
    const done = (): void => {
      stream.off('drain', done)
      stream.off('close', done)
      resolve()
    }
    stream.on('drain', done)
    stream.on('close', done)
  })
}
