// Waiting for a condition another party brings about (a server counting a
// connection, a socket closing) by polling it, instead of sleeping a fixed
// time that a loaded machine overruns. Fails with what was awaited.

export async function until(what: string, done: () => boolean, ms = 10_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
