/* kimage.c — reading a kernel image's headers: the x86 boot protocol (Documentation/arch/x86/boot.rst) and ELF. */
#define _GNU_SOURCE
#include "harness/vm/kimage.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

/* Offsets of the setup header fields used here (boot.rst, "The real-mode kernel header"). */
enum {
	HDR_SETUP_SECTS = 0x1f1,
	HDR_MAGIC = 0x202,          /* "HdrS" */
	HDR_VERSION = 0x206,
	HDR_KERNEL_VERSION = 0x20e, /* pointer to the version string, minus 0x200 */
	HDR_PAYLOAD_OFFSET = 0x248, /* from the start of the protected-mode code */
	HDR_PAYLOAD_LENGTH = 0x24c,
	HDR_END = 0x250,
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static enum kimage_codec codec_of(const uint8_t *p, size_t len)
{
	static const struct { const char *magic; size_t n; enum kimage_codec c; } magics[] = {
		{ "\xfd" "7zXZ\0", 6, CODEC_XZ }, { "\x1f\x8b", 2, CODEC_GZIP }, { "\x28\xb5\x2f\xfd", 4, CODEC_ZSTD },
		{ "BZh", 3, CODEC_BZIP2 }, { "\x5d\0\0", 3, CODEC_LZMA }, { "\x02\x21\x4c\x18", 4, CODEC_LZ4 },
		{ "\x7f" "ELF", 4, CODEC_NONE },
	};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (len >= magics[i].n && !memcmp(p, magics[i].magic, magics[i].n))
			return magics[i].c;
	return CODEC_UNKNOWN;
}

const char *kimage_codec_tool(enum kimage_codec c)
{
	static const char *const tools[] = { [CODEC_XZ] = "xz", [CODEC_GZIP] = "gzip", [CODEC_ZSTD] = "zstd",
					     [CODEC_BZIP2] = "bzip2", [CODEC_LZMA] = "xz", [CODEC_LZ4] = "lz4" };

	return c < sizeof(tools) / sizeof(tools[0]) ? tools[c] : NULL;
}

const char *kimage_codec_name(enum kimage_codec c)
{
	static const char *const names[] = { "none", "xz", "gzip", "zstd", "bzip2", "lzma", "lz4", "unknown" };

	return names[c];
}

/* The first word of a NUL- or space-ended version string at off, if it lies in the image. */
static void copy_release(const uint8_t *img, size_t len, size_t off, char *out, size_t outlen)
{
	size_t n = 0;

	out[0] = '\0';
	while (off + n < len && n + 1 < outlen && img[off + n] > ' ' && img[off + n] < 0x7f)
		n++;
	memcpy(out, img + off, n);
	out[n] = '\0';
}

static int inspect_bzimage(const uint8_t *img, size_t len, struct kimage_info *out, char *err, size_t errlen)
{
	unsigned setup_sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	size_t pm_start = ((size_t)setup_sects + 1) * 512;

	if (le16(img + HDR_VERSION) < 0x208) {
		snprintf(err, errlen, "a bzImage of boot protocol %u.%02u (2.08 or later is needed)",
			 le16(img + HDR_VERSION) >> 8, le16(img + HDR_VERSION) & 0xff);
		return -1;
	}
	out->kind = KIMAGE_BZIMAGE;
	out->payload_offset = pm_start + le32(img + HDR_PAYLOAD_OFFSET);
	out->payload_length = le32(img + HDR_PAYLOAD_LENGTH);
	if (out->payload_offset > len || out->payload_length > len - out->payload_offset || !out->payload_length) {
		snprintf(err, errlen, "the bzImage's payload (offset %zu, %zu bytes) lies outside its %zu bytes",
			 out->payload_offset, out->payload_length, len);
		return -1;
	}
	out->codec = codec_of(img + out->payload_offset, out->payload_length);
	if (le16(img + HDR_KERNEL_VERSION))
		copy_release(img, len, (size_t)le16(img + HDR_KERNEL_VERSION) + 0x200, out->release, sizeof(out->release));
	return 0;
}

/* An ELF vmlinux names its release in the banner "Linux version RELEASE (". */
static void elf_release(const uint8_t *img, size_t len, char *out, size_t outlen)
{
	static const char banner[] = "Linux version ";
	const uint8_t *p = memmem(img, len, banner, sizeof(banner) - 1);

	out[0] = '\0';
	if (p)
		copy_release(img, len, (size_t)(p - img) + sizeof(banner) - 1, out, outlen);
}

int kimage_inspect(const uint8_t *img, size_t len, struct kimage_info *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (len >= SELFMAG && !memcmp(img, ELFMAG, SELFMAG)) {
		out->kind = KIMAGE_ELF;
		out->codec = CODEC_NONE;
		elf_release(img, len, out->release, sizeof(out->release));
		return 0;
	}
	if (len < HDR_END || memcmp(img + HDR_MAGIC, "HdrS", 4)) {
		snprintf(err, errlen, "neither a bzImage (no \"HdrS\" setup header at 0x202) nor an ELF vmlinux");
		return -1;
	}
	return inspect_bzimage(img, len, out, err, errlen);
}

bool kimage_elf_has_pvh(const uint8_t *img, size_t len)
{
	/* The note as the kernel emits it (arch/x86/platform/pvh/head.S): name "Xen", an 8-byte entry address,
	 * type XEN_ELFNOTE_PHYS32_ENTRY (18); namesz 4, descsz 8 or 4. */
	static const uint8_t note64[] = { 4, 0, 0, 0, 8, 0, 0, 0, 18, 0, 0, 0, 'X', 'e', 'n', 0 };
	static const uint8_t note32[] = { 4, 0, 0, 0, 4, 0, 0, 0, 18, 0, 0, 0, 'X', 'e', 'n', 0 };

	return memmem(img, len, note64, sizeof(note64)) || memmem(img, len, note32, sizeof(note32));
}
