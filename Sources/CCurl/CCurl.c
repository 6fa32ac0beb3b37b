// See CCurl.h. libcurl's option and info numbers are part of its stable ABI (curl.h computes
// them as type base + index), so they are written out here instead of coming from its headers.

#include "CCurl.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    OPT_LONG = 0, OPT_POINTER = 10000, OPT_FUNCTION = 20000, OPT_OFF_T = 30000,

    CURLOPT_WRITEDATA = OPT_POINTER + 1,
    CURLOPT_URL = OPT_POINTER + 2,
    CURLOPT_ERRORBUFFER = OPT_POINTER + 10,
    CURLOPT_WRITEFUNCTION = OPT_FUNCTION + 11,
    CURLOPT_POSTFIELDS = OPT_POINTER + 15,
    CURLOPT_HTTPHEADER = OPT_POINTER + 23,
    CURLOPT_HEADERDATA = OPT_POINTER + 29,
    CURLOPT_CUSTOMREQUEST = OPT_POINTER + 36,
    CURLOPT_NOPROGRESS = OPT_LONG + 43,
    CURLOPT_POST = OPT_LONG + 47,
    CURLOPT_XFERINFODATA = OPT_POINTER + 57,
    CURLOPT_HEADERFUNCTION = OPT_FUNCTION + 79,
    CURLOPT_HTTPGET = OPT_LONG + 80,
    CURLOPT_NOSIGNAL = OPT_LONG + 99,
    CURLOPT_ACCEPT_ENCODING = OPT_POINTER + 102,
    CURLOPT_TIMEOUT_MS = OPT_LONG + 155,
    CURLOPT_PROTOCOLS = OPT_LONG + 181,
    CURLOPT_REDIR_PROTOCOLS = OPT_LONG + 182,
    CURLOPT_TCP_KEEPALIVE = OPT_LONG + 213,
    CURLOPT_XFERINFOFUNCTION = OPT_FUNCTION + 219,
    CURLOPT_POSTFIELDSIZE_LARGE = OPT_OFF_T + 120,
    CURLOPT_LOW_SPEED_LIMIT = OPT_LONG + 19,
    CURLOPT_LOW_SPEED_TIME = OPT_LONG + 20,
    CURLOPT_SSLCERT = OPT_POINTER + 25,
    CURLOPT_SSL_VERIFYPEER = OPT_LONG + 64,
    CURLOPT_CAINFO = OPT_POINTER + 65,
    CURLOPT_SSL_VERIFYHOST = OPT_LONG + 81,
    CURLOPT_SSLKEY = OPT_POINTER + 87,

    CURLINFO_RESPONSE_CODE = 0x200000 + 2,

    CURLPROTO_HTTP = 1 << 0, CURLPROTO_HTTPS = 1 << 1,
    CURL_GLOBAL_ALL = 3,
    CURLE_FAILED_INIT = 2,
    HEAD_LIMIT = 64 * 1024,
};

static struct {
    void *(*easy_init)(void);
    void (*easy_cleanup)(void *);
    void (*easy_reset)(void *);
    int (*easy_setopt)(void *, int, ...);
    int (*easy_perform)(void *);
    int (*easy_getinfo)(void *, int, ...);
    const char *(*easy_strerror)(int);
    void *(*slist_append)(void *, const char *);
    void (*slist_free_all)(void *);
    int (*global_init)(long);
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
/// Written only inside the once: empty after a successful load.
static char load_failure[200] = "libcurl was not loaded";

static void load(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        snprintf(load_failure, sizeof load_failure, "libcurl.so.4 could not be loaded: %s", dlerror());
        return;
    }
#define FIND(field, symbol)                                                                   \
    if ((*(void **)&curl.field = dlsym(library, symbol)) == NULL) {                           \
        snprintf(load_failure, sizeof load_failure, "libcurl.so.4 lacks %s", symbol);         \
        return;                                                                               \
    }
    FIND(easy_init, "curl_easy_init")
    FIND(easy_cleanup, "curl_easy_cleanup")
    FIND(easy_reset, "curl_easy_reset")
    FIND(easy_setopt, "curl_easy_setopt")
    FIND(easy_perform, "curl_easy_perform")
    FIND(easy_getinfo, "curl_easy_getinfo")
    FIND(easy_strerror, "curl_easy_strerror")
    FIND(slist_append, "curl_slist_append")
    FIND(slist_free_all, "curl_slist_free_all")
    FIND(global_init, "curl_global_init")
#undef FIND
    // Not thread-safe in libcurl, hence inside the once; it counts its callers.
    if (curl.global_init(CURL_GLOBAL_ALL) != 0) {
        snprintf(load_failure, sizeof load_failure, "curl_global_init failed");
        return;
    }
    load_failure[0] = '\0';
}

int vodcurl_load(char *reason, size_t reason_length) {
    pthread_once(&load_once, load);
    if (load_failure[0] == '\0') return 0;
    if (reason != NULL && reason_length > 0) snprintf(reason, reason_length, "%s", load_failure);
    return 1;
}

void *vodcurl_handle_create(void) {
    return curl.easy_init != NULL ? curl.easy_init() : NULL;
}

void vodcurl_handle_destroy(void *handle) {
    if (handle != NULL) curl.easy_cleanup(handle);
}

/// Appends to a growing buffer; 0 when `limit` would be passed or memory runs out.
static int append(unsigned char **buffer, size_t *length, size_t *capacity, size_t limit,
                  const char *bytes, size_t count) {
    if (count > limit - *length) return 0;
    if (*length + count > *capacity) {
        size_t wanted = *capacity < 4096 ? 4096 : *capacity * 2;
        while (wanted < *length + count) wanted *= 2;
        if (wanted > limit) wanted = limit;
        unsigned char *grown = realloc(*buffer, wanted);
        if (grown == NULL) return 0;
        *buffer = grown;
        *capacity = wanted;
    }
    memcpy(*buffer + *length, bytes, count);
    *length += count;
    return 1;
}

/// Writes all of `bytes` to the exchange's file; 0 (and `file_error`) when it cannot.
static int write_to_file(vodcurl_exchange *exchange, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t written = write(exchange->file_descriptor, bytes, count);
        if (written < 0) {
            if (errno == EINTR) continue;
            exchange->file_error = errno;
            return 0;
        }
        bytes += written;
        count -= (size_t)written;
    }
    return 1;
}

static size_t on_body(char *bytes, size_t size, size_t count, void *context) {
    vodcurl_exchange *exchange = context;
    if (exchange->to_file) {
        if (exchange->status == 0) {
            // The first body bytes: the final status is known now.
            curl.easy_getinfo(exchange->active_handle, CURLINFO_RESPONSE_CODE, &exchange->status);
            if (exchange->status == 200 && ftruncate(exchange->file_descriptor, 0) != 0) {
                exchange->file_error = errno;
                return 0;
            }
        }
        if (exchange->status == 200 || exchange->status == 206) {
            return write_to_file(exchange, bytes, size * count) ? size * count : 0;
        }
    }
    if (!append(&exchange->body, &exchange->body_length, &exchange->body_capacity, exchange->body_limit, bytes, size * count)) {
        exchange->body_too_large = 1;
        return 0;  // libcurl stops with CURLE_WRITE_ERROR
    }
    return size * count;
}

static size_t on_header(char *bytes, size_t size, size_t count, void *context) {
    vodcurl_exchange *exchange = context;
    if (!append((unsigned char **)&exchange->head, &exchange->head_length, &exchange->head_capacity, HEAD_LIMIT, bytes, size * count)) {
        exchange->head_too_large = 1;
        return 0;
    }
    return size * count;
}

static int on_progress(void *context, long long download_total, long long downloaded, long long upload_total, long long uploaded) {
    (void)download_total; (void)downloaded; (void)upload_total; (void)uploaded;
    vodcurl_exchange *exchange = context;
    return __atomic_load_n(&exchange->cancelled, __ATOMIC_RELAXED) ? 1 : 0;
}

int vodcurl_perform(void *handle, const vodcurl_request *request, vodcurl_exchange *exchange) {
    if (handle == NULL || curl.easy_perform == NULL) return CURLE_FAILED_INIT;
    // A reset keeps the handle's connections, DNS and TLS session caches: only options go.
    curl.easy_reset(handle);
    void *headers = NULL;
    for (size_t index = 0; index < request->header_count; index++) {
        void *appended = curl.slist_append(headers, request->headers[index]);
        if (appended == NULL) {
            curl.slist_free_all(headers);
            return CURLE_FAILED_INIT;
        }
        headers = appended;
    }
    // No "Expect: 100-continue" round trip for bodies: the API answers at once.
    void *appended = curl.slist_append(headers, "Expect:");
    if (appended != NULL) headers = appended;

    exchange->error[0] = '\0';
    exchange->status = 0;
    exchange->active_handle = handle;
    curl.easy_setopt(handle, CURLOPT_URL, request->url);
    curl.easy_setopt(handle, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl.easy_setopt(handle, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    curl.easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl.easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
    curl.easy_setopt(handle, CURLOPT_TIMEOUT_MS, request->timeout_ms > 0 ? request->timeout_ms : 0L);
    if (request->stall_seconds > 0) {
        curl.easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl.easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, request->stall_seconds);
    }
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, exchange->error);
    if (request->ca_file != NULL) curl.easy_setopt(handle, CURLOPT_CAINFO, request->ca_file);
    if (request->cert_file != NULL) curl.easy_setopt(handle, CURLOPT_SSLCERT, request->cert_file);
    if (request->key_file != NULL) curl.easy_setopt(handle, CURLOPT_SSLKEY, request->key_file);
    if (request->insecure_skip_verify) {
        curl.easy_setopt(handle, CURLOPT_SSL_VERIFYPEER, 0L);
        curl.easy_setopt(handle, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    // Every encoding libcurl decodes, except into a file, which gets the bytes as stored.
    if (!exchange->to_file) curl.easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
    curl.easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
    curl.easy_setopt(handle, CURLOPT_WRITEFUNCTION, on_body);
    curl.easy_setopt(handle, CURLOPT_WRITEDATA, exchange);
    curl.easy_setopt(handle, CURLOPT_HEADERFUNCTION, on_header);
    curl.easy_setopt(handle, CURLOPT_HEADERDATA, exchange);
    curl.easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
    curl.easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl.easy_setopt(handle, CURLOPT_XFERINFODATA, exchange);
    if (strcmp(request->method, "GET") == 0) {
        curl.easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    } else {
        // POSTFIELDS, even empty, so libcurl never reads a body from standard input.
        curl.easy_setopt(handle, CURLOPT_POST, 1L);
        curl.easy_setopt(handle, CURLOPT_POSTFIELDS, request->body != NULL ? (const char *)request->body : "");
        curl.easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, (long long)request->body_length);
        if (strcmp(request->method, "POST") != 0) curl.easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request->method);
    }
    int result = curl.easy_perform(handle);
    long status = 0;
    curl.easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    exchange->status = status;
    exchange->active_handle = NULL;
    // Nothing the handle keeps may point at this call's memory once it returns.
    curl.easy_setopt(handle, CURLOPT_HTTPHEADER, (void *)NULL);
    curl.easy_setopt(handle, CURLOPT_ERRORBUFFER, (void *)NULL);
    curl.slist_free_all(headers);
    return result;
}

void vodcurl_exchange_cancel(vodcurl_exchange *exchange) {
    __atomic_store_n(&exchange->cancelled, 1, __ATOMIC_RELAXED);
}

void vodcurl_exchange_release(vodcurl_exchange *exchange) {
    free(exchange->body);
    free(exchange->head);
    exchange->body = NULL;
    exchange->head = NULL;
    exchange->body_length = exchange->body_capacity = exchange->head_length = exchange->head_capacity = 0;
}

const char *vodcurl_describe(int code) {
    return curl.easy_strerror != NULL ? curl.easy_strerror(code) : "libcurl is not loaded";
}
