import { removalGuardSuite } from "../helpers/removal-guard"

// The removal guard and "Apply removals" with onMissing "draft" (plugin options are read at boot: one file per value).
removalGuardSuite("draft")
