/*
 * The C side of Pmem's benchmarks: each function runs one timed batch of n operations with the loop in C,
 * calling Debian's libpmem exactly as a C program would. The .NET harness makes one call per batch and
 * times it, so the C loop, the P/Invoke loop and the C# loop are measured the same way.
 *
 * Every batch function walks the destination the same way as the .NET loops: operation i writes at
 * base + off, then off += stride and wraps to 0 at limit (stride 0 = the same destination every time).
 * It returns the offset where the next batch starts.
 *
 * Built by the bench runner: gcc -O2 -fPIC -shared pmem_peer.c -lpmem (nothing prebuilt is kept).
 */
#include <libpmem.h>
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define LINE 64

#define NEXT(off, stride, limit) \
	do { \
		(off) += (stride); \
		if ((off) >= (limit)) \
			(off) = 0; \
	} while (0)

/* Writes one byte in each 64-byte line of [d, d + len): every line the persist has to write back is dirty. */
static inline void dirty_lines(char *d, size_t len, int64_t i)
{
	for (size_t j = 0; j < len; j += LINE)
		d[j] = (char)i;
}

/* The libpmem API version this peer was compiled against (major * 1000 + minor). */
int peer_api_version(void)
{
	return PMEM_MAJOR_VERSION * 1000 + PMEM_MINOR_VERSION;
}

/* NULL when the loaded libpmem provides the API version of the header, otherwise libpmem's message. */
const char *peer_check_version(void)
{
	return pmem_check_version(PMEM_MAJOR_VERSION, PMEM_MINOR_VERSION);
}

/* 1 when libpmem considers [addr, addr + len) persistent memory (PMEM_IS_PMEM_FORCE is honoured). */
int peer_is_pmem(const void *addr, size_t len)
{
	return pmem_is_pmem(addr, len);
}

size_t peer_persist(char *base, size_t off, size_t stride, size_t limit, size_t len, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		char *d = base + off;
		dirty_lines(d, len, i);
		pmem_persist(d, len);
		NEXT(off, stride, limit);
	}
	return off;
}

size_t peer_flush_drain(char *base, size_t off, size_t stride, size_t limit, size_t len, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		char *d = base + off;
		dirty_lines(d, len, i);
		pmem_flush(d, len);
		pmem_drain();
		NEXT(off, stride, limit);
	}
	return off;
}

size_t peer_msync(char *base, size_t off, size_t stride, size_t limit, size_t len, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		char *d = base + off;
		dirty_lines(d, len, i);
		if (pmem_msync(d, len) != 0)
			return (size_t)-1;
		NEXT(off, stride, limit);
	}
	return off;
}

size_t peer_memcpy_persist(char *base, size_t off, size_t stride, size_t limit, const char *src, size_t len,
	int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		pmem_memcpy_persist(base + off, src, len);
		NEXT(off, stride, limit);
	}
	return off;
}

/* Overlapping move one line up: the destination starts 64 bytes after the source (a backward copy). */
size_t peer_memmove_persist(char *base, size_t off, size_t stride, size_t limit, size_t len, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		char *s = base + off;
		pmem_memmove_persist(s + LINE, s, len);
		NEXT(off, stride, limit);
	}
	return off;
}

size_t peer_memset_persist(char *base, size_t off, size_t stride, size_t limit, size_t len, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		pmem_memset_persist(base + off, (int)(i & 0xff), len);
		NEXT(off, stride, limit);
	}
	return off;
}

/* count 8-byte stores at base + off + offsets[k], each made durable by its own pmem_persist. */
size_t peer_scattered_persist_each(char *base, size_t off, size_t stride, size_t limit, const size_t *offsets,
	int count, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		char *b = base + off;
		for (int k = 0; k < count; k++) {
			uint64_t *p = (uint64_t *)(b + offsets[k]);
			*p = (uint64_t)i;
			pmem_persist(p, sizeof(*p));
		}
		NEXT(off, stride, limit);
	}
	return off;
}

/* count 8-byte stores, each flushed with pmem_flush, then one pmem_drain. */
size_t peer_scattered_flush_each_drain(char *base, size_t off, size_t stride, size_t limit, const size_t *offsets,
	int count, int64_t n)
{
	for (int64_t i = 0; i < n; i++) {
		char *b = base + off;
		for (int k = 0; k < count; k++) {
			uint64_t *p = (uint64_t *)(b + offsets[k]);
			*p = (uint64_t)i;
			pmem_flush(p, sizeof(*p));
		}
		pmem_drain();
		NEXT(off, stride, limit);
	}
	return off;
}

/*
 * Bandwidth ceilings, no libpmem: non-temporal stores of whole 64-byte lines plus one SFENCE per operation.
 * len must be a multiple of 64 and every destination 64-byte aligned (the harness guarantees both).
 */
__attribute__((target("avx512f"))) static void nt_store_avx512(char *d, size_t len, int v)
{
	__m512i x = _mm512_set1_epi8((char)v);
	size_t j = 0;
	for (; j + 4 * LINE <= len; j += 4 * LINE) {
		_mm512_stream_si512((void *)(d + j), x);
		_mm512_stream_si512((void *)(d + j + LINE), x);
		_mm512_stream_si512((void *)(d + j + 2 * LINE), x);
		_mm512_stream_si512((void *)(d + j + 3 * LINE), x);
	}
	for (; j < len; j += LINE)
		_mm512_stream_si512((void *)(d + j), x);
	_mm_sfence();
}

__attribute__((target("avx512f"))) static void nt_copy_avx512(char *d, const char *s, size_t len)
{
	size_t j = 0;
	for (; j + 4 * LINE <= len; j += 4 * LINE) {
		__m512i a = _mm512_loadu_si512((const void *)(s + j));
		__m512i b = _mm512_loadu_si512((const void *)(s + j + LINE));
		__m512i c = _mm512_loadu_si512((const void *)(s + j + 2 * LINE));
		__m512i e = _mm512_loadu_si512((const void *)(s + j + 3 * LINE));
		_mm512_stream_si512((void *)(d + j), a);
		_mm512_stream_si512((void *)(d + j + LINE), b);
		_mm512_stream_si512((void *)(d + j + 2 * LINE), c);
		_mm512_stream_si512((void *)(d + j + 3 * LINE), e);
	}
	for (; j < len; j += LINE)
		_mm512_stream_si512((void *)(d + j), _mm512_loadu_si512((const void *)(s + j)));
	_mm_sfence();
}

/* Backward: correct for an overlapping move to a higher address. */
__attribute__((target("avx512f"))) static void nt_copy_back_avx512(char *d, const char *s, size_t len)
{
	size_t j = len;
	for (; j >= 4 * LINE; j -= 4 * LINE) {
		__m512i a = _mm512_loadu_si512((const void *)(s + j - LINE));
		__m512i b = _mm512_loadu_si512((const void *)(s + j - 2 * LINE));
		__m512i c = _mm512_loadu_si512((const void *)(s + j - 3 * LINE));
		__m512i e = _mm512_loadu_si512((const void *)(s + j - 4 * LINE));
		_mm512_stream_si512((void *)(d + j - LINE), a);
		_mm512_stream_si512((void *)(d + j - 2 * LINE), b);
		_mm512_stream_si512((void *)(d + j - 3 * LINE), c);
		_mm512_stream_si512((void *)(d + j - 4 * LINE), e);
	}
	for (; j >= LINE; j -= LINE)
		_mm512_stream_si512((void *)(d + j - LINE), _mm512_loadu_si512((const void *)(s + j - LINE)));
	_mm_sfence();
}

__attribute__((target("avx2"))) static void nt_store_avx2(char *d, size_t len, int v)
{
	__m256i x = _mm256_set1_epi8((char)v);
	for (size_t j = 0; j < len; j += LINE) {
		_mm256_stream_si256((__m256i *)(d + j), x);
		_mm256_stream_si256((__m256i *)(d + j + 32), x);
	}
	_mm_sfence();
}

__attribute__((target("avx2"))) static void nt_copy_avx2(char *d, const char *s, size_t len)
{
	for (size_t j = 0; j < len; j += LINE) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(s + j));
		__m256i b = _mm256_loadu_si256((const __m256i *)(s + j + 32));
		_mm256_stream_si256((__m256i *)(d + j), a);
		_mm256_stream_si256((__m256i *)(d + j + 32), b);
	}
	_mm_sfence();
}

__attribute__((target("avx2"))) static void nt_copy_back_avx2(char *d, const char *s, size_t len)
{
	for (size_t j = len; j >= LINE; j -= LINE) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(s + j - 32));
		__m256i b = _mm256_loadu_si256((const __m256i *)(s + j - LINE));
		_mm256_stream_si256((__m256i *)(d + j - 32), a);
		_mm256_stream_si256((__m256i *)(d + j - LINE), b);
	}
	_mm_sfence();
}

static int has_avx512f(void)
{
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx512f");
}

/* 512 when the ceilings use AVX-512F, 256 when they use AVX2. */
int peer_ceiling_width(void)
{
	return has_avx512f() ? 512 : 256;
}

size_t peer_nt_store(char *base, size_t off, size_t stride, size_t limit, size_t len, int64_t n)
{
	int wide = has_avx512f();
	for (int64_t i = 0; i < n; i++) {
		if (wide)
			nt_store_avx512(base + off, len, (int)i);
		else
			nt_store_avx2(base + off, len, (int)i);
		NEXT(off, stride, limit);
	}
	return off;
}

size_t peer_nt_copy(char *base, size_t off, size_t stride, size_t limit, const char *src, size_t len, int64_t n)
{
	int wide = has_avx512f();
	for (int64_t i = 0; i < n; i++) {
		if (wide)
			nt_copy_avx512(base + off, src, len);
		else
			nt_copy_avx2(base + off, src, len);
		NEXT(off, stride, limit);
	}
	return off;
}

/* The ceiling for memmove_persist's overlapping move: source base + off, destination 64 bytes above it. */
size_t peer_nt_move_back(char *base, size_t off, size_t stride, size_t limit, size_t len, int64_t n)
{
	int wide = has_avx512f();
	for (int64_t i = 0; i < n; i++) {
		char *s = base + off;
		if (wide)
			nt_copy_back_avx512(s + LINE, s, len);
		else
			nt_copy_back_avx2(s + LINE, s, len);
		NEXT(off, stride, limit);
	}
	return off;
}

/*
 * Two-thread ceilings: each operation's range split at a line boundary near its middle, the two halves written by
 * two threads at once (each ending with its own SFENCE), and both threads meeting at a spinning barrier before the
 * next operation. A helper thread is created per batch (its cost is spread over the batch); no libpmem.
 */
struct pair {
	char *base;
	size_t off, stride, limit, len;
	const char *src; /* NULL: store (fill) */
	int64_t n;
	int wide;
	atomic_uint arrived;
	atomic_uint phase;
};

static void pair_wait(struct pair *p, unsigned *phase)
{
	unsigned next = *phase + 1;
	if (atomic_fetch_add(&p->arrived, 1) == 1) {
		atomic_store(&p->arrived, 0);
		atomic_store(&p->phase, next);
	} else {
		/* Spin briefly, then yield: on a busy machine the other thread may need this CPU to arrive. */
		for (int spins = 0; atomic_load(&p->phase) != next; spins++) {
			if (spins < 4096)
				_mm_pause();
			else
				sched_yield();
		}
	}
	*phase = next;
}

static size_t pair_part(struct pair *p, int who)
{
	size_t off = p->off;
	unsigned phase = 0;
	size_t half = (p->len / 2) & ~(size_t)(LINE - 1);
	size_t start = who ? half : 0;
	size_t part = who ? p->len - half : half;
	for (int64_t i = 0; i < p->n; i++) {
		char *d = p->base + off + start;
		if (p->src != NULL) {
			if (p->wide)
				nt_copy_avx512(d, p->src + start, part);
			else
				nt_copy_avx2(d, p->src + start, part);
		} else {
			if (p->wide)
				nt_store_avx512(d, part, (int)i);
			else
				nt_store_avx2(d, part, (int)i);
		}
		pair_wait(p, &phase);
		NEXT(off, p->stride, p->limit);
	}
	return off;
}

static void *pair_helper(void *arg)
{
	pair_part((struct pair *)arg, 1);
	return NULL;
}

static size_t run_pair(char *base, size_t off, size_t stride, size_t limit, const char *src, size_t len, int64_t n)
{
	struct pair p = { .base = base, .off = off, .stride = stride, .limit = limit, .len = len, .src = src, .n = n,
		.wide = has_avx512f() };
	atomic_init(&p.arrived, 0);
	atomic_init(&p.phase, 0);
	pthread_t helper;
	if (pthread_create(&helper, NULL, pair_helper, &p) != 0)
		return (size_t)-1;
	size_t next = pair_part(&p, 0);
	pthread_join(helper, NULL);
	return next;
}

/* The two-thread ceiling of memset_persist: returns (size_t)-1 when the helper thread cannot be created. */
size_t peer_nt_store_2t(char *base, size_t off, size_t stride, size_t limit, size_t len, int64_t n)
{
	return run_pair(base, off, stride, limit, NULL, len, n);
}

/* The two-thread ceiling of memcpy_persist: returns (size_t)-1 when the helper thread cannot be created. */
size_t peer_nt_copy_2t(char *base, size_t off, size_t stride, size_t limit, const char *src, size_t len, int64_t n)
{
	return run_pair(base, off, stride, limit, src, len, n);
}
