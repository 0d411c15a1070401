/*
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * net-pingpong: send raw Ethernet frames from one interface and receive
 * them on another (two NICs on one QEMU hub), checking every payload.
 *
 *   net-pingpong IF_TX IF_RX COUNT
 *
 * Each frame goes to IF_RX's MAC with a local experimental EtherType and a
 * payload derived from its sequence number; the next frame is sent once
 * the previous one arrived intact (lost frames are resent a few times, the
 * hub does not queue).  Prints one summary line and exits 0 when all COUNT
 * frames arrived intact.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_ether.h>

#define ETHERTYPE_SMMUM 0x88b5
#define PAYLOAD         1400
#define RETRIES         5

static void payload(uint8_t *p, uint32_t seq)
{
    uint32_t x = seq * 2246822519u + 0x9e3779b9u;
    int i;

    memcpy(p, &seq, 4);
    for (i = 4; i < PAYLOAD; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = x >> 16;
    }
}

static int open_if(const char *name, int *ifindex, uint8_t mac[ETH_ALEN])
{
    struct sockaddr_ll sll = { 0 };
    struct ifreq ifr = { 0 };
    int s = socket(AF_PACKET, SOCK_RAW, htons(ETHERTYPE_SMMUM));

    if (s < 0) {
        return -1;
    }
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
        return -1;
    }
    *ifindex = ifr.ifr_ifindex;
    if (ioctl(s, SIOCGIFHWADDR, &ifr) < 0) {
        return -1;
    }
    memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETHERTYPE_SMMUM);
    sll.sll_ifindex = *ifindex;
    if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
        return -1;
    }
    return s;
}

int main(int argc, char **argv)
{
    uint8_t txmac[ETH_ALEN], rxmac[ETH_ALEN];
    uint8_t frame[ETH_HLEN + PAYLOAD], in[2048], want[PAYLOAD];
    struct sockaddr_ll to = { 0 };
    int tx, rx, txidx, rxidx, count, seq, got = 0, bad = 0, resent = 0;

    if (argc != 4) {
        fprintf(stderr, "usage: %s IF_TX IF_RX COUNT\n", argv[0]);
        return 2;
    }
    count = atoi(argv[3]);
    tx = open_if(argv[1], &txidx, txmac);
    rx = open_if(argv[2], &rxidx, rxmac);
    if (tx < 0 || rx < 0) {
        printf("cannot open %s/%s: %s\n", argv[1], argv[2], strerror(errno));
        return 1;
    }
    to.sll_family = AF_PACKET;
    to.sll_ifindex = txidx;
    to.sll_halen = ETH_ALEN;
    memcpy(to.sll_addr, rxmac, ETH_ALEN);
    memcpy(frame, rxmac, ETH_ALEN);
    memcpy(frame + ETH_ALEN, txmac, ETH_ALEN);
    frame[12] = ETHERTYPE_SMMUM >> 8;
    frame[13] = ETHERTYPE_SMMUM & 0xff;

    for (seq = 0; seq < count; seq++) {
        int try, done = 0;

        payload(frame + ETH_HLEN, seq);
        memcpy(want, frame + ETH_HLEN, PAYLOAD);
        for (try = 0; try < RETRIES && !done; try++) {
            struct pollfd pfd = { .fd = rx, .events = POLLIN };

            if (try) {
                resent++;
            }
            if (sendto(tx, frame, sizeof(frame), 0, (struct sockaddr *)&to,
                       sizeof(to)) != (ssize_t)sizeof(frame)) {
                printf("send on %s: %s\n", argv[1], strerror(errno));
                return 1;
            }
            /* Hang guard only: 2 s per try. */
            while (!done && poll(&pfd, 1, 2000) > 0) {
                ssize_t n = recv(rx, in, sizeof(in), 0);
                uint32_t s;

                if (n < ETH_HLEN + 4) {
                    continue;
                }
                memcpy(&s, in + ETH_HLEN, 4);
                if (s != (uint32_t)seq) {
                    continue;   /* a late copy of an earlier frame */
                }
                if (n != (ssize_t)sizeof(frame) ||
                    memcmp(in + ETH_HLEN, want, PAYLOAD)) {
                    bad++;
                    continue;
                }
                done = 1;
            }
        }
        if (!done) {
            break;
        }
        got++;
    }
    printf("%s->%s: %d/%d frames of %d bytes intact, %d corrupt, "
           "%d resent\n", argv[1], argv[2], got, count, PAYLOAD, bad, resent);
    return got == count && bad == 0 ? 0 : 1;
}
