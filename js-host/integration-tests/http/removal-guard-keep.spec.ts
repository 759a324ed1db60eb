import { removalGuardSuite } from "../helpers/removal-guard"

// The removal guard and "Apply removals" with onMissing "keep" (plugin options are read at boot: one file per value).
removalGuardSuite("keep")
