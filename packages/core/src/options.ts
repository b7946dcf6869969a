/** The one options merge of the SDK: every client resolves its options against its frozen defaults here. */

/**
 * `defaults` overlaid with every option the caller set (an option given as
 * `undefined` keeps its default, as under `exactOptionalPropertyTypes`).
 *
 * @example
 * const resolved = withDefaults(DEFAULTS, options);
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const out = { ...defaults } as D & O;
  for (const name in options) if (options[name] !== undefined) (out as O)[name] = options[name];
  return out;
}
