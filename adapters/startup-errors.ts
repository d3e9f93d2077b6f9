// The errors a platform adapter throws at start-up, apart from the adapters themselves: the command line
// (cli.ts) names them to print one line for the operator, and loads an adapter only when its settings are there.

/** One line for the operator, naming the variable to fix; main prints the message, never a stack. */
export class SlackStartupError extends Error {
  override name = 'SlackStartupError';
}

/** Teams settings that cannot work (an app id without a password, settings the SDK refuses). */
export class TeamsConfigError extends Error {}
