/*
 * printf-style formatting into a sink. The only state is the caller's va_list; nothing here
 * allocates or touches globals, so the kernel and every service can share it.
 */
#include <fmt/fmt.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct fmt_spec {
    bool left;
    bool zero;
    bool plus;
    bool space;
    bool alternate;
    int width;
    int precision; /* -1: none */
    char length;   /* 'H' hh, 'h', 0 int, 'l' long, 'L' long long, 'z' size_t */
} fmt_spec_t;

typedef struct fmt_out {
    fmt_sink_t sink;
    void *context;
    size_t count;
} fmt_out_t;

static void out_char(fmt_out_t *out, char c)
{
    out->sink(out->context, c);
    out->count++;
}

static void out_repeat(fmt_out_t *out, char c, int times)
{
    for (int i = 0; i < times; i++) {
        out_char(out, c);
    }
}

static void out_padded(fmt_out_t *out, const fmt_spec_t *spec, const char *prefix, const char *body,
                       int body_len, int zeros)
{
    int prefix_len = 0;
    while (prefix[prefix_len] != '\0') {
        prefix_len++;
    }
    int pad = spec->width - prefix_len - zeros - body_len;
    if (!spec->left && pad > 0) {
        out_repeat(out, ' ', pad);
    }
    for (int i = 0; i < prefix_len; i++) {
        out_char(out, prefix[i]);
    }
    out_repeat(out, '0', zeros);
    for (int i = 0; i < body_len; i++) {
        out_char(out, body[i]);
    }
    if (spec->left && pad > 0) {
        out_repeat(out, ' ', pad);
    }
}

/* Signed conversions pass is_signed (and negative for values below zero): only they take
 * the '+' and ' ' flags. */
static void out_integer(fmt_out_t *out, const fmt_spec_t *spec, uint64_t magnitude, bool is_signed,
                        bool negative, unsigned base, bool upper)
{
    static const char lower_digits[] = "0123456789abcdef";
    static const char upper_digits[] = "0123456789ABCDEF";
    const char *digits = upper ? upper_digits : lower_digits;
    char buffer[24];
    int len = 0;
    bool is_zero = magnitude == 0;

    /* Precision 0 with value 0 prints no digits, as in C. */
    if (magnitude != 0 || spec->precision != 0) {
        do {
            buffer[sizeof(buffer) - 1 - len] = digits[magnitude % base];
            magnitude /= base;
            len++;
        } while (magnitude != 0);
    }

    const char *prefix = "";
    if (negative) {
        prefix = "-";
    } else if (spec->plus && is_signed) {
        prefix = "+";
    } else if (spec->space && is_signed) {
        prefix = " ";
    } else if (spec->alternate && base == 16 && !is_zero) {
        prefix = upper ? "0X" : "0x";
    }

    /* '#' with octal: the first digit printed must be 0. */
    int zeros = 0;
    if (spec->alternate && base == 8 && (len == 0 || buffer[sizeof(buffer) - len] != '0') &&
        spec->precision <= len) {
        zeros = 1;
    }

    if (spec->precision > len) {
        zeros = spec->precision - len;
    } else if (spec->zero && !spec->left && spec->precision < 0) {
        int prefix_len = (prefix[0] == '\0') ? 0 : (prefix[1] == '\0' ? 1 : 2);
        int room = spec->width - prefix_len - len;
        zeros = room > zeros ? room : zeros;
    }
    out_padded(out, spec, prefix, buffer + sizeof(buffer) - len, len, zeros);
}

static uint64_t fetch_unsigned(const fmt_spec_t *spec, va_list *args)
{
    switch (spec->length) {
    case 'H':
        return (unsigned char)va_arg(*args, unsigned int);
    case 'h':
        return (unsigned short)va_arg(*args, unsigned int);
    case 'l':
        return va_arg(*args, unsigned long);
    case 'L':
        return va_arg(*args, unsigned long long);
    case 'z':
        return va_arg(*args, size_t);
    default:
        return va_arg(*args, unsigned int);
    }
}

static int64_t fetch_signed(const fmt_spec_t *spec, va_list *args)
{
    switch (spec->length) {
    case 'H':
        return (signed char)va_arg(*args, int);
    case 'h':
        return (short)va_arg(*args, int);
    case 'l':
        return va_arg(*args, long);
    case 'L':
        return va_arg(*args, long long);
    case 'z':
        return (int64_t)va_arg(*args, size_t);
    default:
        return va_arg(*args, int);
    }
}

static const char *parse_spec(const char *f, fmt_spec_t *spec, va_list *args)
{
    *spec = (fmt_spec_t){.precision = -1};
    for (;; f++) {
        if (*f == '-') {
            spec->left = true;
        } else if (*f == '0') {
            spec->zero = true;
        } else if (*f == '+') {
            spec->plus = true;
        } else if (*f == ' ') {
            spec->space = true;
        } else if (*f == '#') {
            spec->alternate = true;
        } else {
            break;
        }
    }
    if (*f == '*') {
        spec->width = va_arg(*args, int);
        if (spec->width < 0) {
            spec->left = true;
            spec->width = -spec->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9') {
            spec->width = spec->width * 10 + (*f++ - '0');
        }
    }
    if (*f == '.') {
        f++;
        spec->precision = 0;
        if (*f == '*') {
            spec->precision = va_arg(*args, int);
            f++;
        } else {
            while (*f >= '0' && *f <= '9') {
                spec->precision = spec->precision * 10 + (*f++ - '0');
            }
        }
    }
    if (f[0] == 'h' && f[1] == 'h') {
        spec->length = 'H';
        f += 2;
    } else if (f[0] == 'l' && f[1] == 'l') {
        spec->length = 'L';
        f += 2;
    } else if (*f == 'h' || *f == 'l' || *f == 'z') {
        spec->length = *f++;
    }
    return f;
}

size_t fmt_vformat(fmt_sink_t sink, void *context, const char *format, va_list args)
{
    fmt_out_t out = {.sink = sink, .context = context, .count = 0};
    va_list ap;
    va_copy(ap, args);

    for (const char *f = format; *f != '\0'; f++) {
        if (*f != '%') {
            out_char(&out, *f);
            continue;
        }
        const char *start = f;
        fmt_spec_t spec;
        f = parse_spec(f + 1, &spec, &ap);
        switch (*f) {
        case 'd':
        case 'i': {
            int64_t value = fetch_signed(&spec, &ap);
            uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
            out_integer(&out, &spec, magnitude, true, value < 0, 10, false);
            break;
        }
        case 'u':
            out_integer(&out, &spec, fetch_unsigned(&spec, &ap), false, false, 10, false);
            break;
        case 'x':
        case 'X':
            out_integer(&out, &spec, fetch_unsigned(&spec, &ap), false, false, 16, *f == 'X');
            break;
        case 'o':
            out_integer(&out, &spec, fetch_unsigned(&spec, &ap), false, false, 8, false);
            break;
        case 'p': {
            void *pointer_value = va_arg(ap, void *);
            if (pointer_value == NULL) {
                out_padded(&out, &spec, "", "(nil)", 5, 0);
                break;
            }
            fmt_spec_t pointer = spec;
            pointer.alternate = true;
            out_integer(&out, &pointer, (uintptr_t)pointer_value, false, false, 16, false);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            out_padded(&out, &spec, "", &c, 1, 0);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (s == NULL) {
                s = "(null)";
            }
            int len = 0;
            while (s[len] != '\0' && (spec.precision < 0 || len < spec.precision)) {
                len++;
            }
            out_padded(&out, &spec, "", s, len, 0);
            break;
        }
        case '%':
            out_char(&out, '%');
            break;
        default:
            /* Unknown conversion: print it as written and consume no argument. */
            for (const char *p = start; p <= f && *p != '\0'; p++) {
                out_char(&out, *p);
            }
            if (*f == '\0') {
                f--;
            }
            break;
        }
    }
    va_end(ap);
    return out.count;
}

size_t fmt_format(fmt_sink_t sink, void *context, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    size_t count = fmt_vformat(sink, context, format, args);
    va_end(args);
    return count;
}

typedef struct fmt_buffer {
    char *buffer;
    size_t size;
    size_t used;
} fmt_buffer_t;

static void buffer_sink(void *context, char c)
{
    fmt_buffer_t *b = context;
    if (b->used + 1 < b->size) {
        b->buffer[b->used] = c;
    }
    b->used++;
}

size_t fmt_vsnprintf(char *buffer, size_t size, const char *format, va_list args)
{
    fmt_buffer_t b = {.buffer = buffer, .size = size, .used = 0};
    size_t count = fmt_vformat(buffer_sink, &b, format, args);
    if (size > 0) {
        buffer[b.used < size ? b.used : size - 1] = '\0';
    }
    return count;
}

size_t fmt_snprintf(char *buffer, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    size_t count = fmt_vsnprintf(buffer, size, format, args);
    va_end(args);
    return count;
}
