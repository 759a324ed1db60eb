import fs from "node:fs"
import path from "node:path"

/** The npm name of this plugin (the `resolve` a store puts in `medusa-config`). */
export const PLUGIN_NAME = "medusa-plugin-catalog-sync"

/** A plugin entry of `configModule.plugins` (a bare name or `{ resolve, options }`). */
export type PluginEntry = string | { resolve?: string; options?: Record<string, unknown> }

/**
 * The option keys the store set in `medusa-config` for this plugin (the others are defaults), or
 * `null` when the plugin's entry cannot be found. The entry is the one whose `resolve` is the
 * package name, or a folder whose package.json has that name (a plugin loaded from a path).
 */
export function configuredOptionKeys(plugins: PluginEntry[] | undefined): string[] | null {
  for (const entry of plugins ?? []) {
    const resolve = typeof entry === "string" ? entry : entry.resolve
    if (resolve && isThisPlugin(resolve)) {
      const options = typeof entry === "string" ? {} : entry.options ?? {}
      return Object.keys(options)
        .filter((key) => options[key] !== undefined)
        .sort()
    }
  }
  return null
}

/** The version in this plugin's package.json, found by walking up from this file; `null` if not found. */
export function pluginVersion(startDir: string = __dirname): string | null {
  let dir = startDir
  for (;;) {
    const pkg = readPackageJson(dir)
    if (pkg?.name === PLUGIN_NAME) {
      return typeof pkg.version === "string" ? pkg.version : null
    }
    const parent = path.dirname(dir)
    if (parent === dir) {
      return null
    }
    dir = parent
  }
}

function isThisPlugin(resolve: string): boolean {
  if (resolve === PLUGIN_NAME) {
    return true
  }
  if (!path.isAbsolute(resolve) && !resolve.startsWith(".")) {
    return false
  }
  return readPackageJson(path.resolve(resolve))?.name === PLUGIN_NAME
}

function readPackageJson(dir: string): { name?: unknown; version?: unknown } | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"))
  } catch {
    return null
  }
}
