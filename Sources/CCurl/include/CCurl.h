// A minimal, non-variadic face of the system libcurl (libcurl.so.4), loaded at run time.
//
// libcurl.so.4 is on every Linux machine that runs Swift programs (FoundationNetworking needs
// it); its development headers are not needed to build, and the binary does not depend on it
// until the first request. The program calls libcurl directly because URLSession on Linux leaks
// a copy of each request's URL (its host check frees libcurl's URL handle with curl_free
// instead of curl_url_cleanup), and so that the binary needs no FoundationNetworking at all.

#ifndef VODCDN_CCURL_H
#define VODCDN_CCURL_H

#include <stddef.h>

/// One request, fully prepared by the caller; every pointer stays valid during the call.
typedef struct vodcurl_request {
    const char *url;
    /// "GET", "POST" or "PUT".
    const char *method;
    /// `header_count` lines of the form "Name: value".
    const char *const *headers;
    size_t header_count;
    const unsigned char *body;
    size_t body_length;
    /// The whole exchange must finish within this many milliseconds; 0 for no overall deadline
    /// (then `stall_seconds` should be set).
    long timeout_ms;
    /// When positive, the transfer fails once it has moved less than one byte per second for
    /// this many seconds (a stalled download), whatever its overall duration.
    long stall_seconds;
    /// TLS for https URLs; NULL for the defaults. CA bundle to verify the server with (PEM),
    /// instead of the system's.
    const char *ca_file;
    /// A client certificate and its private key (PEM), for servers that ask for one.
    const char *cert_file;
    const char *key_file;
    /// Nonzero: do not verify the server's certificate or name (for tests and labs only).
    int insecure_skip_verify;
} vodcurl_request;

/// What came back; filled by `vodcurl_perform`, released by `vodcurl_exchange_release`.
typedef struct vodcurl_exchange {
    /// The response body, at most `body_limit` bytes (`body_too_large` says it was cut off).
    unsigned char *body;
    size_t body_length;
    size_t body_capacity;
    size_t body_limit;
    int body_too_large;
    /// The raw header lines of every response received (interim ones included), CRLF-separated.
    char *head;
    size_t head_length;
    size_t head_capacity;
    int head_too_large;
    /// Set from any thread with `vodcurl_exchange_cancel`; the transfer stops at libcurl's next
    /// progress callback (at least once a second).
    int cancelled;
    /// The final response's status code, 0 when none arrived.
    long status;
    /// libcurl's own description of a failure (CURLOPT_ERRORBUFFER).
    char error[256];
    /// Set by the caller to stream a 200 or 206 response's body into `file_descriptor` (opened
    /// with O_APPEND) instead of `body`, byte for byte (no content decoding). A 200 answer
    /// empties the file first (the server sent the whole file, not the range asked for); other
    /// statuses keep their body in `body` as usual.
    int to_file;
    int file_descriptor;
    /// The errno of a failed write to the file, 0 when none failed.
    int file_error;
    /// The handle performing the exchange (used by the body callback; not for the caller).
    void *active_handle;
} vodcurl_exchange;

/// Loads libcurl once. Returns 0 when it is usable; otherwise 1 and a reason in `reason`.
int vodcurl_load(char *reason, size_t reason_length);

/// A new easy handle (connections and TLS sessions are kept on it between requests), or NULL.
void *vodcurl_handle_create(void);
void vodcurl_handle_destroy(void *handle);

/// Performs `request` on `handle`, blocking; returns libcurl's result code (0 for success).
int vodcurl_perform(void *handle, const vodcurl_request *request, vodcurl_exchange *exchange);

/// Asks a running `vodcurl_perform` to stop (result code 42, aborted by callback).
void vodcurl_exchange_cancel(vodcurl_exchange *exchange);

/// Frees the buffers `vodcurl_perform` allocated (not the struct itself).
void vodcurl_exchange_release(vodcurl_exchange *exchange);

/// libcurl's name for a result code.
const char *vodcurl_describe(int code);

#endif
