// A minimal face of the system OpenSSL (libssl.so.3 and libcrypto.so.3, or 1.1.1's .so.1.1), loaded at run time
// like libcurl: no development headers are needed to build, and the binary does not depend on
// OpenSSL until a TLS listener is configured. Certificates and keys are passed as PEM bytes
// (the Swift side reads the files), so inline PEM and files take one path.

#ifndef VODCDN_CTLS_H
#define VODCDN_CTLS_H

#include <stddef.h>

/// What a server context is built from; every pointer stays valid during the call.
typedef struct vodtls_settings {
    /// The certificate chain (leaf first) and its private key, PEM.
    const char *certificate_pem;
    size_t certificate_length;
    const char *key_pem;
    size_t key_length;
    /// CA certificates for client certificates, PEM; NULL for none.
    const char *client_ca_pem;
    size_t client_ca_length;
    /// 0 none, 1 request, 2 require any, 3 verify if given, 4 require and verify.
    int client_auth;
    /// Protocol versions as on the wire: 0x0303 is TLS 1.2, 0x0304 TLS 1.3.
    int min_version;
    int max_version;
    /// OpenSSL cipher list for TLS 1.2 (colon-separated); NULL for the defaults.
    const char *cipher_list;
    /// Key-exchange groups (colon-separated, e.g. "X25519:P-256"); NULL for the defaults.
    const char *groups_list;
    /// Whether the server's cipher order wins over the client's.
    int prefer_server_ciphers;
    /// TLS 1.3 suites (colon-separated, e.g. "TLS_AES_128_GCM_SHA256"); NULL for the defaults.
    const char *tls13_suites;
    /// Subject alternative names of which a client certificate must carry one (DNS, e-mail, URI or
    /// IP address, exact match); checked during the handshake, which fails with a
    /// bad_certificate alert otherwise. No names: any.
    const char *const *allowed_sans;
    size_t allowed_san_count;
} vodtls_settings;

/// Loads the libraries once; 0 on success, else 1 with the reason in `reason`.
int vodtls_load(char *reason, size_t reason_length);

/// A server context, or NULL with OpenSSL's reason in `error`.
void *vodtls_context_create(const vodtls_settings *settings, char *error, size_t error_length);
void vodtls_context_free(void *context);
/// When the context's certificate expires, in seconds since the epoch; 0 when unknown.
long long vodtls_context_not_after(void *context);

/// A server session on the connected, non-blocking socket `fd`; NULL when OpenSSL fails.
void *vodtls_session_create(void *context, int fd);
void vodtls_session_free(void *session);

enum {
    VODTLS_DONE = 1,
    VODTLS_WANT_READ = -2,
    VODTLS_WANT_WRITE = -3,
    /// The peer closed the TLS session (close_notify) or the connection.
    VODTLS_CLOSED = 0,
    VODTLS_FAILED = -1,
};

/// Advances the handshake: VODTLS_DONE, _WANT_READ, _WANT_WRITE or _FAILED (reason in `error`).
int vodtls_handshake(void *session, char *error, size_t error_length);
/// Reads decrypted bytes: a count > 0, VODTLS_WANT_READ/_WANT_WRITE, VODTLS_CLOSED or VODTLS_FAILED.
long vodtls_read(void *session, void *buffer, size_t length);
/// Writes bytes: the count written (> 0), VODTLS_WANT_READ/_WANT_WRITE or VODTLS_FAILED.
long vodtls_write(void *session, const void *buffer, size_t length);
/// Sends close_notify (best effort, non-blocking).
void vodtls_shutdown(void *session);

/// The negotiated protocol version as on the wire (0x0304 for TLS 1.3), 0 before the handshake.
int vodtls_version(void *session);

#endif
