/**
 * Workload profiles: the built-in ones (`profiles.json` beside this file) and parsing of a
 * user's profile file, with messages that name the file, the JSON path, what was expected and
 * what was found.
 *
 * @module
 */
import {
  type Profile,
  type ProfileFile,
  ProfileFileSchema,
  ProfileSchema,
} from "../model/analysis.ts";
import { formatIssues } from "../model/format_issues.ts";
import { InvalidInputError } from "../model/read_result_set.ts";
import { securityProperty } from "../model/security_properties.ts";
import BUILTIN from "./profiles.json" with { type: "json" };

/**
 * Validates parsed JSON as a profile file (`{ schemaVersion: 1, profiles: [...] }`) or as one
 * bare profile object; raises {@link InvalidInputError} naming `path` and each problem.
 * Also rejects duplicate ids, profiles whose weights are all zero, reversed bounds
 * (unacceptable not above target) and security requirements naming a property that is not
 * measured, naming the profile and the category or property.
 */
export function parseProfiles(data: unknown, path: string): Profile[] {
  const isFile = data !== null && typeof data === "object" && "profiles" in data;
  const result = isFile ? ProfileFileSchema.safeParse(data) : ProfileSchema.safeParse(data);
  if (!result.success) {
    throw new InvalidInputError("profile", path, formatIssues(result.error.issues, data));
  }
  const profiles = isFile ? (result.data as ProfileFile).profiles : [result.data as Profile];
  const problems: string[] = [];
  const seen = new Set<string>();
  profiles.forEach((p, i) => {
    const at = isFile ? `profiles[${i}]` : "(top level)";
    if (seen.has(p.id)) problems.push(`${at}.id: duplicate profile id "${p.id}"`);
    seen.add(p.id);
    const total = Object.values(p.weights).reduce((s: number, w) => s + (w ?? 0), 0) + p.security;
    if (!(total > 0)) {
      problems.push(`${at}.weights: expected at least one weight above 0, got all 0`);
    }
    (p.requires?.security?.anyOf ?? []).forEach((alt, j) => {
      alt.all.forEach((metric, k) => {
        if (!securityProperty(metric)) {
          problems.push(
            `${at}.requires.security.anyOf[${j}].all[${k}]: profile "${p.id}" requires ` +
              `"${metric}", which is not a measured security property (see ` +
              "model/security_properties.ts, e.g. security.host_kernel)",
          );
        }
      });
    });
    for (const [category, b] of Object.entries(p.bounds ?? {})) {
      const target = b.target ?? 1;
      if (!(b.unacceptable > target)) {
        problems.push(
          `${at}.bounds.${category}: profile "${p.id}" has reversed bounds for ${category}: ` +
            `unacceptable (${b.unacceptable}) must be above target (${target}), as they are ` +
            "ratios to the baseline where above 1 is worse",
        );
      }
    }
  });
  if (problems.length > 0) throw new InvalidInputError("profile", path, problems);
  return profiles;
}

/** The built-in workload profiles (CPU batch, network microservice, I/O heavy, …). */
export const BUILTIN_PROFILES: readonly Profile[] = parseProfiles(BUILTIN, "analyze/profiles.json");

/**
 * The profile with id `name` among `profiles`; a RangeError listing the known ids otherwise.
 */
export function findProfile(
  name: string,
  profiles: readonly Profile[] = BUILTIN_PROFILES,
): Profile {
  const found = profiles.find((p) => p.id === name);
  if (!found) {
    throw new RangeError(
      `unknown profile "${name}"; known profiles: ${profiles.map((p) => p.id).join(", ")} ` +
        "(or give a profile file)",
    );
  }
  return found;
}
