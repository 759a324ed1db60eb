import { removalGuardSuite } from "../helpers/removal-guard"

// The removal guard and "Apply removals" with onMissing "delete" (plugin options are read at boot: one file per value).
removalGuardSuite("delete")
