#ifndef CBUILDINFO_H
#define CBUILDINFO_H

/* What the build stamped into the binary (scripts/build-release passes these as -D defines;
 * a plain `swift build` leaves each "unknown"). */
const char *vodcdn_build_revision(void);
const char *vodcdn_build_branch(void);
const char *vodcdn_build_user(void);
const char *vodcdn_build_date(void);
const char *vodcdn_build_swift_version(void);

#endif
