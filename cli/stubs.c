/*
 * Network code of libgit2 that git-stats never uses, replaced in the
 * executables (CMakeLists.txt, gs_link_program), never in libgitstats.
 * git-stats makes no network calls: no fetch, push or clone of a remote.
 * Everything here fails closed: a network operation through libgit2 gets
 * an error, never an unverified connection.
 *
 * Linked statically (GS_STATIC_LIBGIT2, the default), the linker's --wrap
 * sends libgit2's calls to the __wrap_ functions below:
 *
 * 1. TLS (mbedTLS). git_libgit2_init() seeds mbedTLS's random generator
 *    (HAVEGE entropy gathering, a timing loop) and parses the whole system
 *    CA bundle (~140 certificates, ~54M instructions): most of a hook
 *    program's run, 42% of a `git stats set` on the store benchmark when
 *    it was measured, and libgit2 has no option to skip either. Here that
 *    set-up is skipped, and creating a TLS stream, or loading certificates
 *    (GIT_OPT_SET_SSL_CERT_LOCATIONS, which git-stats never sets), answers
 *    an error instead of touching the uninitialised configuration.
 *
 * 2. SSH. git_libgit2_init() calls libssh2_init(), which initialises
 *    OpenSSL. libssh2 initialises itself on first use anyway
 *    (libssh2_session_init), so skipping it at start-up changes nothing
 *    but the start-up time. (1 and 2 together: 0.5 ms of every command.)
 *
 * 3. GSSAPI. libgit2's HTTP "Negotiate" authentication (Kerberos/SPNEGO)
 *    calls eight GSSAPI functions. Debian ships no static libgssapi_krb5,
 *    and linking the shared one would bring back the six Kerberos libraries
 *    whose loading the static link saves. Each stub answers GSS_S_FAILURE,
 *    so libgit2 finds no GSSAPI mechanism and never offers Negotiate.
 *
 * Linked against the shared libraries (-DGS_STATIC_LIBGIT2=OFF), only the
 * CA bundle parse is replaced: the executables define and export
 * mbedtls_x509_crt_parse_file (-Wl,--export-dynamic-symbol), so the
 * dynamic linker binds libgit2's call to this definition, which loads no
 * certificate and reports success. libgit2 then installs an empty CA
 * chain and any HTTPS connection fails certificate verification
 * (GIT_ECERTIFICATE; checked once by hand against a local `openssl
 * s_server`, with and without the stub). With another TLS backend nobody
 * calls that symbol and the stub is dead code.
 *
 * If git-stats ever needs the network through libgit2, remove this file.
 */
#include <stddef.h>

#ifndef GS_STATIC_LIBGIT2
struct mbedtls_x509_crt;

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}
#else
#include <git2.h>
#include <git2/sys/stream.h>

#define NO_NETWORK "git-stats makes no network connections (TLS is not set up)"

int __wrap_git_mbedtls_stream_global_init(void);
int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path);
int __wrap_git_mbedtls_stream_new(git_stream **out, const char *host, const char *port);
int __wrap_git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host);
int __wrap_git_transport_ssh_global_init(void);

int __wrap_git_mbedtls_stream_global_init(void)
{
	return 0;
}

int __wrap_git_mbedtls__set_cert_location(const char *file, const char *path)
{
	(void)file;
	(void)path;
	git_error_set_str(GIT_ERROR_SSL, NO_NETWORK);
	return -1;
}

int __wrap_git_mbedtls_stream_new(git_stream **out, const char *host, const char *port)
{
	(void)host;
	(void)port;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSL, NO_NETWORK);
	return -1;
}

int __wrap_git_mbedtls_stream_wrap(git_stream **out, git_stream *in, const char *host)
{
	(void)in;
	(void)host;
	*out = NULL;
	git_error_set_str(GIT_ERROR_SSL, NO_NETWORK);
	return -1;
}

int __wrap_git_transport_ssh_global_init(void)
{
	return 0;
}
#endif

#ifdef GS_STATIC_LIBGIT2
/* gssapi.h's types, as far as these signatures need them */
typedef unsigned int OM_uint32;
typedef void *gss_ptr;

#define GSS_S_FAILURE (13u << 16)

/* libgit2 passes this name type to gss_import_name(), which fails first */
void *GSS_C_NT_HOSTBASED_SERVICE = NULL;

/* the parameters are there for the signatures only */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define GSS_STUB(name, ...)                                   \
	OM_uint32 name(OM_uint32 *minor, __VA_ARGS__);        \
	OM_uint32 name(OM_uint32 *minor, __VA_ARGS__)         \
	{                                                     \
		if (minor)                                    \
			*minor = 0;                           \
		return GSS_S_FAILURE;                         \
	}

GSS_STUB(gss_indicate_mechs, gss_ptr *mechs)
GSS_STUB(gss_import_name, gss_ptr buf, gss_ptr type, gss_ptr *name)
GSS_STUB(gss_init_sec_context, gss_ptr cred, gss_ptr *ctx, gss_ptr name, gss_ptr mech,
	 OM_uint32 flags, OM_uint32 time, gss_ptr bindings, gss_ptr in, gss_ptr *mech_out,
	 gss_ptr out, OM_uint32 *ret_flags, OM_uint32 *ret_time)
GSS_STUB(gss_delete_sec_context, gss_ptr *ctx, gss_ptr out)
GSS_STUB(gss_display_status, OM_uint32 status, int type, gss_ptr mech, OM_uint32 *ctx,
	 gss_ptr out)
GSS_STUB(gss_release_buffer, gss_ptr buf)
GSS_STUB(gss_release_name, gss_ptr *name)
GSS_STUB(gss_release_oid_set, gss_ptr *set)
#endif
