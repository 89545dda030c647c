/** The configuration layer's one error type: every problem with its path in the file. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(
      problems.length === 1
        ? `invalid configuration in ${file}: ${problems[0]}`
        : `invalid configuration in ${file}:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}
