/*
 * The 16550A: registers, the receive FIFO, the interrupt identification priorities and the
 * IRQ line. It never buffers transmitted bytes: each goes to the transmit callback at once.
 */
#include <vdev/uart.h>

#define REG_DATA 0u
#define REG_IER  1u
#define REG_IIR  2u /* read; FCR on write */
#define REG_LCR  3u
#define REG_MCR  4u
#define REG_LSR  5u
#define REG_MSR  6u
#define REG_SCR  7u

#define IER_RX       0x01u
#define IER_THRE     0x02u
#define IER_LINE     0x04u
#define IER_MODEM    0x08u
#define IER_MASK     0x0fu
#define IIR_NONE     0x01u
#define IIR_MODEM    0x00u
#define IIR_THRE     0x02u
#define IIR_RX       0x04u
#define IIR_LINE     0x06u
#define IIR_TIMEOUT  0x0cu
#define IIR_FIFO     0xc0u
#define FCR_ENABLE   0x01u
#define FCR_RX_RESET 0x02u
#define FCR_TX_RESET 0x04u
#define FCR_TRIGGER  0xc0u
#define LCR_DLAB     0x80u
#define MCR_DTR      0x01u
#define MCR_RTS      0x02u
#define MCR_OUT1     0x04u
#define MCR_OUT2     0x08u
#define MCR_LOOP     0x10u
#define MCR_MASK     0x1fu
#define LSR_DR       0x01u
#define LSR_OE       0x02u
#define LSR_THRE     0x20u
#define LSR_TEMT     0x40u
#define MSR_CTS      0x10u
#define MSR_DSR      0x20u
#define MSR_RI       0x40u
#define MSR_DCD      0x80u
#define MSR_TERI     0x04u

static bool fifo_mode(const vdev_uart_t *uart)
{
    return (uart->fcr & FCR_ENABLE) != 0;
}

static unsigned capacity(const vdev_uart_t *uart)
{
    return fifo_mode(uart) ? VDEV_UART_FIFO : 1u;
}

static unsigned trigger_level(const vdev_uart_t *uart)
{
    static const unsigned char levels[4] = {1, 4, 8, 14};

    return fifo_mode(uart) ? levels[uart->fcr >> 6] : 1u;
}

/* Nanoseconds per character: start bit, data bits, parity, stop bits at the divisor's speed. */
static uint64_t character_ns(const vdev_uart_t *uart)
{
    unsigned bits = 1u + 5u + (uart->lcr & 3u) + ((uart->lcr & 0x08u) ? 1u : 0u) +
                    ((uart->lcr & 0x04u) ? 2u : 1u);
    uint64_t divisor = uart->divisor == 0 ? 0x10000u : uart->divisor;

    return vdev_muldiv_ceil((uint64_t)bits * 16u * divisor, VDEV_NS_PER_SECOND, VDEV_UART_CLOCK_HZ);
}

static uint64_t timeout_at(const vdev_uart_t *uart)
{
    return vdev_add_saturating(uart->rx_activity, 4u * character_ns(uart));
}

/* Data below the trigger level that waits for the character timeout. */
static bool timeout_armed(const vdev_uart_t *uart)
{
    return fifo_mode(uart) && (uart->ier & IER_RX) && uart->rx_count > 0 &&
           uart->rx_count < trigger_level(uart);
}

static uint8_t interrupt_id(const vdev_uart_t *uart, uint64_t now)
{
    if ((uart->ier & IER_LINE) && uart->lsr_errors != 0) {
        return IIR_LINE;
    }
    if ((uart->ier & IER_RX) && uart->rx_count >= trigger_level(uart)) {
        return IIR_RX;
    }
    if (timeout_armed(uart) && now >= timeout_at(uart)) {
        return IIR_TIMEOUT;
    }
    if ((uart->ier & IER_THRE) && uart->thre_pending) {
        return IIR_THRE;
    }
    if ((uart->ier & IER_MODEM) && uart->msr_deltas != 0) {
        return IIR_MODEM;
    }
    return IIR_NONE;
}

static void update_irq(vdev_uart_t *uart, uint64_t now)
{
    bool level = interrupt_id(uart, now) != IIR_NONE && (uart->mcr & MCR_OUT2) &&
                 !(uart->mcr & MCR_LOOP);

    if (level != uart->irq_level) {
        uart->irq_level = level;
        vdev_line_set(&uart->irq, level);
    }
}

/* Modem inputs: the MCR outputs in loopback, else a terminal that is there. */
static void update_modem_inputs(vdev_uart_t *uart)
{
    uint8_t inputs;
    uint8_t changed;

    if (uart->mcr & MCR_LOOP) {
        inputs = (uint8_t)(((uart->mcr & MCR_RTS) ? MSR_CTS : 0u) |
                           ((uart->mcr & MCR_DTR) ? MSR_DSR : 0u) |
                           ((uart->mcr & MCR_OUT1) ? MSR_RI : 0u) |
                           ((uart->mcr & MCR_OUT2) ? MSR_DCD : 0u));
    } else {
        inputs = MSR_CTS | MSR_DSR | MSR_DCD;
    }
    changed = inputs ^ uart->msr_inputs;
    uart->msr_deltas |= (uint8_t)((changed & (MSR_CTS | MSR_DSR | MSR_DCD)) >> 4);
    if ((changed & MSR_RI) && !(inputs & MSR_RI)) {
        uart->msr_deltas |= MSR_TERI; /* trailing edge of RI */
    }
    uart->msr_inputs = inputs;
}

void vdev_uart_init(vdev_uart_t *uart, const vdev_line_t *irq, vdev_uart_transmit_fn transmit,
                    void *transmit_context)
{
    *uart = (vdev_uart_t){0};
    uart->divisor = 12;
    uart->lcr = 0x03;
    uart->thre_pending = false;
    uart->transmit = transmit;
    uart->transmit_context = transmit_context;
    if (irq != NULL) {
        uart->irq = *irq;
    }
    update_modem_inputs(uart);
    uart->msr_deltas = 0;
}

static void rx_push(vdev_uart_t *uart, uint8_t byte, uint64_t now)
{
    if (uart->rx_count >= capacity(uart)) {
        uart->lsr_errors |= LSR_OE;
        uart->overruns++;
        return;
    }
    uart->rx[(uart->rx_head + uart->rx_count) % VDEV_UART_FIFO] = byte;
    uart->rx_count++;
    uart->received++;
    uart->rx_activity = now;
}

static uint8_t rx_pop(vdev_uart_t *uart, uint64_t now)
{
    uint8_t byte;

    if (uart->rx_count == 0) {
        return 0;
    }
    byte = uart->rx[uart->rx_head];
    uart->rx_head = (uint8_t)((uart->rx_head + 1u) % VDEV_UART_FIFO);
    uart->rx_count--;
    uart->rx_activity = now;
    return byte;
}

static void rx_reset(vdev_uart_t *uart)
{
    uart->rx_head = 0;
    uart->rx_count = 0;
}

static void transmit(vdev_uart_t *uart, uint8_t byte, uint64_t now)
{
    uart->transmitted++;
    if (uart->mcr & MCR_LOOP) {
        rx_push(uart, byte, now);
    } else if (uart->transmit != NULL) {
        uart->transmit(uart->transmit_context, byte);
    }
    uart->thre_pending = true; /* THR is empty again at once */
}

uint8_t vdev_uart_read(vdev_uart_t *uart, unsigned offset, uint64_t now)
{
    uint8_t value = 0;
    uint8_t id;

    switch (offset & 7u) {
    case REG_DATA:
        value = (uart->lcr & LCR_DLAB) ? (uint8_t)uart->divisor : rx_pop(uart, now);
        break;
    case REG_IER:
        value = (uart->lcr & LCR_DLAB) ? (uint8_t)(uart->divisor >> 8) : uart->ier;
        break;
    case REG_IIR:
        id = interrupt_id(uart, now);
        if (id == IIR_THRE) {
            uart->thre_pending = false; /* reading IIR that shows it clears THR-empty */
        }
        value = (uint8_t)(id | (fifo_mode(uart) ? IIR_FIFO : 0u));
        break;
    case REG_LCR:
        value = uart->lcr;
        break;
    case REG_MCR:
        value = uart->mcr;
        break;
    case REG_LSR:
        value = (uint8_t)(uart->lsr_errors | LSR_THRE | LSR_TEMT |
                          (uart->rx_count > 0 ? LSR_DR : 0u));
        uart->lsr_errors = 0;
        break;
    case REG_MSR:
        value = (uint8_t)(uart->msr_inputs | uart->msr_deltas);
        uart->msr_deltas = 0;
        break;
    default:
        value = uart->scr;
        break;
    }
    update_irq(uart, now);
    return value;
}

static void write_fcr(vdev_uart_t *uart, uint8_t value)
{
    if ((value ^ uart->fcr) & FCR_ENABLE) {
        rx_reset(uart); /* switching FIFO mode empties the FIFOs */
    }
    if (value & FCR_RX_RESET) {
        rx_reset(uart);
    }
    uart->fcr = (uint8_t)(value & (FCR_ENABLE | FCR_TRIGGER));
}

void vdev_uart_write(vdev_uart_t *uart, unsigned offset, uint8_t value, uint64_t now)
{
    switch (offset & 7u) {
    case REG_DATA:
        if (uart->lcr & LCR_DLAB) {
            uart->divisor = (uint16_t)((uart->divisor & 0xff00u) | value);
        } else {
            transmit(uart, value, now);
        }
        break;
    case REG_IER:
        if (uart->lcr & LCR_DLAB) {
            uart->divisor = (uint16_t)((uart->divisor & 0x00ffu) | value << 8);
        } else {
            /* Enabling the THR-empty interrupt while THR is empty raises it at once. */
            if ((value & IER_THRE) && !(uart->ier & IER_THRE)) {
                uart->thre_pending = true;
            }
            uart->ier = value & IER_MASK;
        }
        break;
    case REG_IIR:
        write_fcr(uart, value);
        break;
    case REG_LCR:
        uart->lcr = value;
        break;
    case REG_MCR:
        uart->mcr = value & MCR_MASK;
        update_modem_inputs(uart);
        break;
    case REG_LSR:
    case REG_MSR:
        break; /* read-only (factory test writes are not modelled) */
    default:
        uart->scr = value;
        break;
    }
    update_irq(uart, now);
}

size_t vdev_uart_receive_room(const vdev_uart_t *uart)
{
    if (uart->mcr & MCR_LOOP) {
        return 0;
    }
    return capacity(uart) - uart->rx_count;
}

size_t vdev_uart_receive(vdev_uart_t *uart, const uint8_t *bytes, size_t length, uint64_t now)
{
    size_t taken = 0;

    while (taken < length && vdev_uart_receive_room(uart) > 0) {
        rx_push(uart, bytes[taken], now);
        taken++;
    }
    update_irq(uart, now);
    return taken;
}

uint64_t vdev_uart_next_deadline(const vdev_uart_t *uart, uint64_t now)
{
    (void)now;
    /* Only a timeout that would raise the line is worth a timer. */
    if (!timeout_armed(uart) || uart->irq_level || !(uart->mcr & MCR_OUT2) ||
        (uart->mcr & MCR_LOOP)) {
        return VDEV_NO_DEADLINE;
    }
    return timeout_at(uart);
}

void vdev_uart_advance(vdev_uart_t *uart, uint64_t now)
{
    update_irq(uart, now);
}
