// The system zlib (Debian package zlib1g-dev), used for gzip-encoded /metrics responses.
#ifndef VODCDN_CZLIB_SHIM_H
#define VODCDN_CZLIB_SHIM_H

#include <zlib.h>

// deflateInit2 and inflateInit2 are macros that Swift cannot import; these wrappers can be.

/// Starts a raw deflate stream (no zlib or gzip framing; the caller writes gzip's own).
static inline int czlib_deflate_init_raw(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}

/// Starts an inflate stream that reads gzip framing (used to verify our own output).
static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 16 + MAX_WBITS);
}

#endif
