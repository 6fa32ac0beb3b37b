// See CTLS.h. OpenSSL's control numbers, option bits and error codes are part of its stable ABI
// (ssl.h defines them as constants), so they are written out here instead of coming from its
// headers, which building does not need.

#include "CTLS.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    SSL_CTRL_MODE = 33,
    SSL_CTRL_CHAIN_CERT = 89,
    SSL_CTRL_SET_GROUPS_LIST = 92,
    SSL_CTRL_SET_MIN_PROTO_VERSION = 123,
    SSL_CTRL_SET_MAX_PROTO_VERSION = 124,
    SSL_MODE_ENABLE_PARTIAL_WRITE = 0x1,
    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = 0x2,
    SSL_VERIFY_NONE = 0, SSL_VERIFY_PEER = 1, SSL_VERIFY_FAIL_IF_NO_PEER_CERT = 2,
    SSL_ERROR_WANT_READ = 2, SSL_ERROR_WANT_WRITE = 3, SSL_ERROR_SYSCALL = 5, SSL_ERROR_ZERO_RETURN = 6,
    NID_subject_alt_name = 85,
    X509_V_ERR_CERT_REJECTED = 28,
    GEN_EMAIL = 1, GEN_DNS = 2, GEN_URI = 6, GEN_IPADD = 7,
};
static const uint64_t SSL_OP_IGNORE_UNEXPECTED_EOF = (uint64_t)1 << 7;
static const uint64_t SSL_OP_CIPHER_SERVER_PREFERENCE = (uint64_t)1 << 22;
static const uint64_t SSL_OP_NO_RENEGOTIATION = (uint64_t)1 << 30;

/// A GENERAL_NAME: its type, then a union of pointers (an ASN1_STRING for the types used here).
typedef struct { int type; void *value; } general_name;

static struct {
    const void *(*server_method)(void);
    void *(*ctx_new)(const void *);
    void (*ctx_free)(void *);
    long (*ctx_ctrl)(void *, int, long, void *);
    uint64_t (*ctx_set_options)(void *, uint64_t);
    int (*ctx_use_certificate)(void *, void *);
    int (*ctx_use_private_key)(void *, void *);
    int (*ctx_check_private_key)(const void *);
    int (*ctx_set_cipher_list)(void *, const char *);
    void (*ctx_set_verify)(void *, int, int (*)(int, void *));
    void *(*ctx_get_cert_store)(const void *);
    int (*ctx_add_client_ca)(void *, void *);
    void *(*ssl_new)(void *);
    void (*ssl_free)(void *);
    int (*set_fd)(void *, int);
    void (*set_accept_state)(void *);
    int (*do_handshake)(void *);
    int (*ssl_read)(void *, void *, int);
    int (*ssl_write)(void *, const void *, int);
    int (*get_error)(const void *, int);
    int (*ssl_shutdown)(void *);
    int (*ssl_version)(const void *);
    unsigned long (*err_get_error)(void);
    void (*err_error_string_n)(unsigned long, char *, size_t);
    void (*err_clear_error)(void);
    void *(*bio_new_mem_buf)(const void *, int);
    int (*bio_free)(void *);
    void *(*pem_read_x509)(void *, void *, void *, void *);
    void *(*pem_read_private_key)(void *, void *, void *, void *);
    void (*x509_free)(void *);
    void (*pkey_free)(void *);
    int (*store_add_cert)(void *, void *);
    void *(*x509_get_ext_d2i)(const void *, int, int *, int *);
    int (*stack_count)(const void *);
    void *(*stack_value)(const void *, int);
    void (*general_names_free)(void *);
    const unsigned char *(*string_data)(const void *);
    int (*string_length)(const void *);
    int (*ctx_set_ciphersuites)(void *, const char *);
    int (*ctx_set_default_verify_paths)(void *);
    int (*ctx_set_ex_data)(void *, int, void *);
    void *(*ctx_get_ex_data)(const void *, int);
    void *(*get_ssl_ctx)(const void *);
    int (*get_ex_data_store_ctx_idx)(void);
    void *(*store_ctx_get_ex_data)(const void *, int);
    int (*store_ctx_get_error_depth)(const void *);
    void *(*store_ctx_get_current_cert)(const void *);
    void (*store_ctx_set_error)(void *, int);
    void *(*ctx_get0_certificate)(const void *);
    const void *(*x509_get0_not_after)(const void *);
    int (*asn1_time_to_tm)(const void *, struct tm *);
} ssl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
/// Written only inside the once: empty after a successful load.
static char load_failure[240] = "OpenSSL was not loaded";
/// Written only inside the once: 1 when OpenSSL 3 was loaded, 0 for 1.1.1.
static int openssl3 = 0;

static void load(void) {
    // OpenSSL 3 first; else 1.1.1 (Debian 11, Ubuntu 20.04, RHEL 8, Alibaba Cloud Linux 3), whose
    // calls used here are the same.
    void *crypto = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    void *library = crypto == NULL ? NULL : dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL);
    if (library != NULL) {
        openssl3 = 1;
    } else {
        crypto = dlopen("libcrypto.so.1.1", RTLD_NOW | RTLD_LOCAL);
        library = crypto == NULL ? NULL : dlopen("libssl.so.1.1", RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        snprintf(load_failure, sizeof load_failure,
                 "OpenSSL 3 or 1.1.1 (libssl.so.3 or libssl.so.1.1, Debian packages libssl3 or libssl1.1) could not be loaded: %s", dlerror());
        return;
    }
#define FIND(from, field, symbol)                                                              \
    if ((*(void **)&ssl.field = dlsym(from, symbol)) == NULL) {                                \
        snprintf(load_failure, sizeof load_failure, "OpenSSL lacks %s (OpenSSL 3 or 1.1.1 is needed)", symbol); \
        return;                                                                                \
    }
    FIND(library, server_method, "TLS_server_method")
    FIND(library, ctx_new, "SSL_CTX_new")
    FIND(library, ctx_free, "SSL_CTX_free")
    FIND(library, ctx_ctrl, "SSL_CTX_ctrl")
    FIND(library, ctx_set_options, "SSL_CTX_set_options")
    FIND(library, ctx_use_certificate, "SSL_CTX_use_certificate")
    FIND(library, ctx_use_private_key, "SSL_CTX_use_PrivateKey")
    FIND(library, ctx_check_private_key, "SSL_CTX_check_private_key")
    FIND(library, ctx_set_cipher_list, "SSL_CTX_set_cipher_list")
    FIND(library, ctx_set_verify, "SSL_CTX_set_verify")
    FIND(library, ctx_get_cert_store, "SSL_CTX_get_cert_store")
    FIND(library, ctx_add_client_ca, "SSL_CTX_add_client_CA")
    FIND(library, ssl_new, "SSL_new")
    FIND(library, ssl_free, "SSL_free")
    FIND(library, set_fd, "SSL_set_fd")
    FIND(library, set_accept_state, "SSL_set_accept_state")
    FIND(library, do_handshake, "SSL_do_handshake")
    FIND(library, ssl_read, "SSL_read")
    FIND(library, ssl_write, "SSL_write")
    FIND(library, get_error, "SSL_get_error")
    FIND(library, ssl_shutdown, "SSL_shutdown")
    FIND(library, ssl_version, "SSL_version")
    FIND(crypto, err_get_error, "ERR_get_error")
    FIND(crypto, err_error_string_n, "ERR_error_string_n")
    FIND(crypto, err_clear_error, "ERR_clear_error")
    FIND(crypto, bio_new_mem_buf, "BIO_new_mem_buf")
    FIND(crypto, bio_free, "BIO_free")
    FIND(crypto, pem_read_x509, "PEM_read_bio_X509")
    FIND(crypto, pem_read_private_key, "PEM_read_bio_PrivateKey")
    FIND(crypto, x509_free, "X509_free")
    FIND(crypto, pkey_free, "EVP_PKEY_free")
    FIND(crypto, store_add_cert, "X509_STORE_add_cert")
    FIND(crypto, x509_get_ext_d2i, "X509_get_ext_d2i")
    FIND(crypto, stack_count, "OPENSSL_sk_num")
    FIND(crypto, stack_value, "OPENSSL_sk_value")
    FIND(crypto, general_names_free, "GENERAL_NAMES_free")
    FIND(crypto, string_data, "ASN1_STRING_get0_data")
    FIND(crypto, string_length, "ASN1_STRING_length")
    FIND(library, ctx_set_ciphersuites, "SSL_CTX_set_ciphersuites")
    FIND(library, ctx_set_default_verify_paths, "SSL_CTX_set_default_verify_paths")
    FIND(library, ctx_set_ex_data, "SSL_CTX_set_ex_data")
    FIND(library, ctx_get_ex_data, "SSL_CTX_get_ex_data")
    FIND(library, get_ssl_ctx, "SSL_get_SSL_CTX")
    FIND(library, get_ex_data_store_ctx_idx, "SSL_get_ex_data_X509_STORE_CTX_idx")
    FIND(crypto, store_ctx_get_ex_data, "X509_STORE_CTX_get_ex_data")
    FIND(crypto, store_ctx_get_error_depth, "X509_STORE_CTX_get_error_depth")
    FIND(crypto, store_ctx_get_current_cert, "X509_STORE_CTX_get_current_cert")
    FIND(crypto, store_ctx_set_error, "X509_STORE_CTX_set_error")
    FIND(library, ctx_get0_certificate, "SSL_CTX_get0_certificate")
    FIND(crypto, x509_get0_not_after, "X509_get0_notAfter")
    FIND(crypto, asn1_time_to_tm, "ASN1_TIME_to_tm")
#undef FIND
    load_failure[0] = '\0';
}

int vodtls_load(char *reason, size_t reason_length) {
    pthread_once(&load_once, load);
    if (load_failure[0] == '\0') return 0;
    if (reason != NULL && reason_length > 0) snprintf(reason, reason_length, "%s", load_failure);
    return 1;
}

/// OpenSSL's most recent error as text after `what`, the queue emptied.
static void describe(const char *what, char *error, size_t error_length) {
    unsigned long code = 0, last = 0;
    while ((code = ssl.err_get_error()) != 0) last = code;
    if (error == NULL || error_length == 0) return;
    if (last == 0) {
        snprintf(error, error_length, "%s", what);
        return;
    }
    char reason[200];
    ssl.err_error_string_n(last, reason, sizeof reason);
    snprintf(error, error_length, "%s: %s", what, reason);
}

/// What the verify callback checks, kept with the context (its ex_data 0) and freed with it.
typedef struct {
    /// The client-auth types that ask for a certificate without verifying it accept any.
    int accept_unverified;
    size_t san_count;
    char **sans;
} client_policy;

static int certificate_has_san(void *certificate, char *const *names, size_t count);

/// The client certificate check of every handshake: verification as the client-auth type asks,
/// then the leaf's SANs against the allowed ones; a refusal fails the handshake with a
/// bad_certificate alert (X509_V_ERR_CERT_REJECTED), as Go's server does.
static int verify_client(int preverified, void *store) {
    void *session = ssl.store_ctx_get_ex_data(store, ssl.get_ex_data_store_ctx_idx());
    const client_policy *policy = session == NULL ? NULL : ssl.ctx_get_ex_data(ssl.get_ssl_ctx(session), 0);
    if (policy == NULL) return preverified;
    if (!preverified && !policy->accept_unverified) return 0;
    if (policy->san_count == 0 || ssl.store_ctx_get_error_depth(store) != 0) return 1;
    if (certificate_has_san(ssl.store_ctx_get_current_cert(store), policy->sans, policy->san_count)) return 1;
    ssl.store_ctx_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
}

static void policy_free(client_policy *policy) {
    if (policy == NULL) return;
    for (size_t index = 0; index < policy->san_count; index++) free(policy->sans[index]);
    free(policy->sans);
    free(policy);
}

/// A copy of what the callback needs; NULL when memory runs out.
static client_policy *policy_create(const vodtls_settings *settings) {
    client_policy *policy = calloc(1, sizeof *policy);
    if (policy == NULL) return NULL;
    policy->accept_unverified = settings->client_auth == 1 || settings->client_auth == 2;
    if (settings->allowed_san_count > 0) {
        policy->sans = calloc(settings->allowed_san_count, sizeof *policy->sans);
        if (policy->sans == NULL) {
            free(policy);
            return NULL;
        }
        for (size_t index = 0; index < settings->allowed_san_count; index++) {
            policy->sans[index] = strdup(settings->allowed_sans[index]);
            policy->san_count = index + 1;
            if (policy->sans[index] == NULL) {
                policy_free(policy);
                return NULL;
            }
        }
    }
    return policy;
}

/// Calls `each` for every certificate of a PEM buffer; the count of certificates, -1 on error.
static int each_certificate(const char *pem, size_t length, void *context, int (*each)(void *, void *, int)) {
    void *bio = ssl.bio_new_mem_buf(pem, (int)length);
    if (bio == NULL) return -1;
    int count = 0;
    void *certificate;
    while ((certificate = ssl.pem_read_x509(bio, NULL, NULL, NULL)) != NULL) {
        if (!each(context, certificate, count)) {
            ssl.bio_free(bio);
            return -1;
        }
        count++;
    }
    ssl.err_clear_error();  // the end of the buffer reads as an error
    ssl.bio_free(bio);
    return count;
}

/// The leaf goes in as the certificate, the rest as its chain (the context takes them).
static int use_chain_certificate(void *context, void *certificate, int index) {
    if (index == 0) {
        int used = ssl.ctx_use_certificate(context, certificate);
        ssl.x509_free(certificate);
        return used == 1;
    }
    if (ssl.ctx_ctrl(context, SSL_CTRL_CHAIN_CERT, 0, certificate) != 1) {
        ssl.x509_free(certificate);
        return 0;
    }
    return 1;
}

/// A client CA: trusted for verification and named in the certificate request.
static int use_client_ca(void *context, void *certificate, int index) {
    (void)index;
    int trusted = ssl.store_add_cert(ssl.ctx_get_cert_store(context), certificate);
    int named = ssl.ctx_add_client_ca(context, certificate);
    ssl.x509_free(certificate);
    return trusted == 1 && named == 1;
}

void *vodtls_context_create(const vodtls_settings *settings, char *error, size_t error_length) {
    if (vodtls_load(error, error_length) != 0) return NULL;
    ssl.err_clear_error();
    void *context = ssl.ctx_new(ssl.server_method());
    if (context == NULL) {
        describe("SSL_CTX_new failed", error, error_length);
        return NULL;
    }
#define FAIL(what)                                  \
    do {                                            \
        describe(what, error, error_length);        \
        ssl.ctx_free(context);                      \
        return NULL;                                \
    } while (0)
    // 1.1.1 has no IGNORE_UNEXPECTED_EOF (its bit means something else there).
    uint64_t options = (openssl3 ? SSL_OP_IGNORE_UNEXPECTED_EOF : 0) | SSL_OP_NO_RENEGOTIATION;
    if (settings->prefer_server_ciphers) options |= SSL_OP_CIPHER_SERVER_PREFERENCE;
    ssl.ctx_set_options(context, options);
    ssl.ctx_ctrl(context, SSL_CTRL_MODE, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, NULL);
    if (ssl.ctx_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, settings->min_version, NULL) != 1) FAIL("min_version is not available");
    if (ssl.ctx_ctrl(context, SSL_CTRL_SET_MAX_PROTO_VERSION, settings->max_version, NULL) != 1) FAIL("max_version is not available");
    if (settings->cipher_list != NULL && ssl.ctx_set_cipher_list(context, settings->cipher_list) != 1) FAIL("cipher_suites");
    if (settings->tls13_suites != NULL && ssl.ctx_set_ciphersuites(context, settings->tls13_suites) != 1) FAIL("cipher_suites (TLS 1.3)");
    if (settings->groups_list != NULL && ssl.ctx_ctrl(context, SSL_CTRL_SET_GROUPS_LIST, 0, (void *)settings->groups_list) != 1) {
        FAIL("curve_preferences");
    }
    int certificates = each_certificate(settings->certificate_pem, settings->certificate_length, context, use_chain_certificate);
    if (certificates < 0) FAIL("the certificate cannot be used");
    if (certificates == 0) FAIL("no PEM certificate in the certificate file");
    void *bio = ssl.bio_new_mem_buf(settings->key_pem, (int)settings->key_length);
    void *key = bio == NULL ? NULL : ssl.pem_read_private_key(bio, NULL, NULL, NULL);
    if (bio != NULL) ssl.bio_free(bio);
    if (key == NULL) FAIL("no PEM private key in the key file");
    int used = ssl.ctx_use_private_key(context, key);
    ssl.pkey_free(key);
    if (used != 1) FAIL("the private key cannot be used with the certificate");
    if (ssl.ctx_check_private_key(context) != 1) FAIL("the private key does not match the certificate");
    if (settings->client_ca_pem != NULL) {
        int authorities = each_certificate(settings->client_ca_pem, settings->client_ca_length, context, use_client_ca);
        if (authorities < 0) FAIL("the client CA cannot be used");
        if (authorities == 0) FAIL("no PEM certificate in the client CA");
    } else if ((settings->client_auth == 3 || settings->client_auth == 4) && ssl.ctx_set_default_verify_paths(context) != 1) {
        // Verified without a client CA: against the system's CAs, as Go does.
        FAIL("the system's CA certificates cannot be loaded");
    }
    if (settings->client_auth != 0) {
        client_policy *policy = policy_create(settings);
        if (policy == NULL) FAIL("out of memory");
        if (ssl.ctx_set_ex_data(context, 0, policy) != 1) {
            policy_free(policy);
            FAIL("the client certificate policy cannot be kept");
        }
        int mode = SSL_VERIFY_PEER | (settings->client_auth == 2 || settings->client_auth == 4 ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0);
        ssl.ctx_set_verify(context, mode, verify_client);
    } else {
        ssl.ctx_set_verify(context, SSL_VERIFY_NONE, NULL);
    }
#undef FAIL
    return context;
}

void vodtls_context_free(void *context) {
    if (context == NULL) return;
    client_policy *policy = ssl.ctx_get_ex_data(context, 0);
    ssl.ctx_free(context);
    policy_free(policy);
}

long long vodtls_context_not_after(void *context) {
    void *certificate = ssl.ctx_get0_certificate(context);
    const void *end = certificate == NULL ? NULL : ssl.x509_get0_not_after(certificate);
    struct tm moment;
    memset(&moment, 0, sizeof moment);
    if (end == NULL || ssl.asn1_time_to_tm(end, &moment) != 1) return 0;
    return (long long)timegm(&moment);
}

void *vodtls_session_create(void *context, int fd) {
    void *session = ssl.ssl_new(context);
    if (session == NULL) return NULL;
    if (ssl.set_fd(session, fd) != 1) {
        ssl.ssl_free(session);
        return NULL;
    }
    ssl.set_accept_state(session);
    return session;
}

void vodtls_session_free(void *session) {
    if (session != NULL) ssl.ssl_free(session);
}

/// A failed call's outcome: wanting I/O, closed, or failed.
static long outcome(void *session, int result) {
    switch (ssl.get_error(session, result)) {
    case SSL_ERROR_WANT_READ: return VODTLS_WANT_READ;
    case SSL_ERROR_WANT_WRITE: return VODTLS_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN: return VODTLS_CLOSED;
    case SSL_ERROR_SYSCALL:
        if (errno == 0) return VODTLS_CLOSED;
        return VODTLS_FAILED;
    default: return VODTLS_FAILED;
    }
}

int vodtls_handshake(void *session, char *error, size_t error_length) {
    ssl.err_clear_error();
    errno = 0;
    int result = ssl.do_handshake(session);
    if (result == 1) return VODTLS_DONE;
    long state = outcome(session, result);
    if (state == VODTLS_WANT_READ || state == VODTLS_WANT_WRITE) return (int)state;
    describe("TLS handshake failed", error, error_length);
    return VODTLS_FAILED;
}

long vodtls_read(void *session, void *buffer, size_t length) {
    ssl.err_clear_error();
    errno = 0;
    int result = ssl.ssl_read(session, buffer, length > INT32_MAX ? INT32_MAX : (int)length);
    if (result > 0) return result;
    long state = outcome(session, result);
    if (state == VODTLS_FAILED) ssl.err_clear_error();
    return state;
}

long vodtls_write(void *session, const void *buffer, size_t length) {
    ssl.err_clear_error();
    errno = 0;
    int result = ssl.ssl_write(session, buffer, length > INT32_MAX ? INT32_MAX : (int)length);
    if (result > 0) return result;
    long state = outcome(session, result);
    if (state == VODTLS_CLOSED) state = VODTLS_FAILED;  // a write cannot succeed on a closed session
    if (state == VODTLS_FAILED) ssl.err_clear_error();
    return state;
}

void vodtls_shutdown(void *session) {
    ssl.ssl_shutdown(session);
    ssl.err_clear_error();
}

int vodtls_version(void *session) {
    return ssl.ssl_version(session);
}

/// `name` equals the text form of a SAN: as it is for DNS, e-mail and URI; dotted or colon form
/// for an IP address.
static int san_equals(const general_name *entry, const char *name) {
    const unsigned char *data = ssl.string_data(entry->value);
    int length = ssl.string_length(entry->value);
    char text[64];
    switch (entry->type) {
    case GEN_DNS: case GEN_EMAIL: case GEN_URI:
        return (size_t)length == strlen(name) && memcmp(data, name, (size_t)length) == 0;
    case GEN_IPADD:
        if (length == 4) {
            snprintf(text, sizeof text, "%u.%u.%u.%u", data[0], data[1], data[2], data[3]);
        } else if (length == 16) {
            // The full form, as Go prints it only for non-compressible addresses; compare both.
            char *cursor = text;
            for (int index = 0; index < 16; index += 2) {
                cursor += snprintf(cursor, sizeof text - (size_t)(cursor - text), "%s%x", index ? ":" : "", (data[index] << 8) | data[index + 1]);
            }
        } else {
            return 0;
        }
        return strcmp(text, name) == 0;
    default:
        return 0;
    }
}

static int certificate_has_san(void *certificate, char *const *names, size_t count) {
    if (certificate == NULL) return 0;
    void *entries = ssl.x509_get_ext_d2i(certificate, NID_subject_alt_name, NULL, NULL);
    int found = 0;
    if (entries != NULL) {
        int total = ssl.stack_count(entries);
        for (int index = 0; index < total && !found; index++) {
            const general_name *entry = ssl.stack_value(entries, index);
            for (size_t name = 0; name < count && !found; name++) found = san_equals(entry, names[name]);
        }
        ssl.general_names_free(entries);
    }
    return found;
}
