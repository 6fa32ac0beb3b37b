#include "CBuildInfo.h"

#ifndef VODCDN_REVISION
#define VODCDN_REVISION "unknown"
#endif
#ifndef VODCDN_BRANCH
#define VODCDN_BRANCH "unknown"
#endif
#ifndef VODCDN_BUILD_USER
#define VODCDN_BUILD_USER "unknown"
#endif
#ifndef VODCDN_BUILD_DATE
#define VODCDN_BUILD_DATE "unknown"
#endif
#ifndef VODCDN_SWIFT_VERSION
#define VODCDN_SWIFT_VERSION "unknown"
#endif

const char *vodcdn_build_revision(void) { return VODCDN_REVISION; }
const char *vodcdn_build_branch(void) { return VODCDN_BRANCH; }
const char *vodcdn_build_user(void) { return VODCDN_BUILD_USER; }
const char *vodcdn_build_date(void) { return VODCDN_BUILD_DATE; }
const char *vodcdn_build_swift_version(void) { return VODCDN_SWIFT_VERSION; }
