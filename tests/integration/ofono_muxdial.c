/*
 * PPP on a 27.010 channel the way oFono's modem plugins set one up (plugins/phonesim.c,
 * plugins/calypso.c): gatmux's g_at_mux_setup_gsm0710() on the modem's port (AT+CMUX=?,
 * then AT+CMUX=<mode>,0,<speed>,<frame size>), two channels, AT on the first, and on the
 * second AT+CGDCONT, ATD*99***1# and gatppp, oFono's own PPP, on a TUN interface.
 * gsmdial, oFono's dialling tool, has no multiplexer; this is its multiplexed counterpart,
 * built with the same gatchat sources from oFono's source (tests/integration/ofono_build.py).
 *
 *   ofono-muxdial PORT APN [USER PASSWORD [chap|pap]]
 *
 * The login goes to gatppp with the method given (CHAP by default), as oFono's gprs-context
 * driver passes a context's username, password and auth method.
 * Prints what gsmdial prints once IPCP opened (it does not configure the interface: the
 * caller does, from these lines), then "control: <answer>" for an AT+CGACT? asked on the
 * first channel while PPP runs on the second.  SIGTERM or SIGINT: LCP Terminate, and once
 * the modem says NO CARRIER on the PPP channel, "control: <answer>" for AT+CGACT? again,
 * the multiplexer closed (CLD) and exit 0.
 */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <glib.h>

#include "gatchat.h"
#include "gatmux.h"
#include "gatppp.h"
#include "gattty.h"

static const char *none_prefix[] = { NULL };
static const char *cgact_prefix[] = { "+CGACT:", NULL };

static GMainLoop *loop;
static GAtMux *mux;
static GAtChat *control;
static GAtChat *modem;
static GAtPPP *ppp;
static const char *apn;
static const char *username;
static const char *password;
static GAtPPPAuthMethod method = G_AT_PPP_AUTH_METHOD_CHAP;
static int status = 1;

static void debug(const char *str, gpointer prefix)
{
	g_print("%s: %s\n", (const char *) prefix, str);
}

static void fail(const char *what)
{
	g_print("failed: %s\n", what);
	g_main_loop_quit(loop);
}

static void print_cgact(GAtResult *result)
{
	GAtResultIter iter;

	g_at_result_iter_init(&iter, result);
	while (g_at_result_iter_next(&iter, NULL))
		g_print("control: %s\n", g_at_result_iter_raw_line(&iter));
	g_print("control: %s\n", g_at_result_final_response(result));
}

static void closed_cb(gboolean ok, GAtResult *result, gpointer user_data)
{
	print_cgact(result);
	g_at_chat_unref(control);
	g_at_chat_unref(modem);
	control = modem = NULL;
	g_at_mux_shutdown(mux);
	status = 0;
	g_main_loop_quit(loop);
}

static void no_carrier(GAtResult *result, gpointer user_data)
{
	g_print("NO CARRIER on the PPP channel\n");
	g_at_chat_send(control, "AT+CGACT?", cgact_prefix, closed_cb, NULL, NULL);
}

static void ppp_disconnect(GAtPPPDisconnectReason reason, gpointer user_data)
{
	g_print("PPP Link down: %d\n", reason);
	g_at_ppp_unref(ppp);
	ppp = NULL;
	g_at_chat_register(modem, "NO CARRIER", no_carrier, FALSE, NULL, NULL);
	g_at_chat_resume(modem);
}

static void during_cb(gboolean ok, GAtResult *result, gpointer user_data)
{
	print_cgact(result);
}

static void ppp_connect(const char *iface, const char *local, const char *peer,
			const char *dns1, const char *dns2, gpointer user_data)
{
	g_print("Network Device: %s\n", iface);
	g_print("IP Address: %s\n", local);
	g_print("Peer IP Address: %s\n", peer);
	g_print("Primary DNS Server: %s\n", dns1);
	g_print("Secondary DNS Server: %s\n", dns2);
	g_at_chat_send(control, "AT+CGACT?", cgact_prefix, during_cb, NULL, NULL);
}

static void dial_cb(gboolean ok, GAtResult *result, gpointer user_data)
{
	if (!ok) {
		fail("dialling");
		return;
	}
	g_at_chat_suspend(modem);
	ppp = g_at_ppp_new();
	g_at_ppp_set_debug(ppp, debug, "PPP");
	g_at_ppp_set_credentials(ppp, username, password);
	g_at_ppp_set_auth_method(ppp, method);
	g_at_ppp_set_connect_function(ppp, ppp_connect, NULL);
	g_at_ppp_set_disconnect_function(ppp, ppp_disconnect, NULL);
	g_at_ppp_open(ppp, g_at_chat_get_io(modem));
}

static void cgdcont_cb(gboolean ok, GAtResult *result, gpointer user_data)
{
	if (!ok) {
		fail("defining the context");
		return;
	}
	g_at_chat_send(modem, "ATD*99***1#", none_prefix, dial_cb, NULL, NULL);
}

static GAtChat *open_channel(const char *name)
{
	GIOChannel *io = g_at_mux_create_channel(mux);
	GAtSyntax *syntax = g_at_syntax_new_gsmv1();
	GAtChat *chat = g_at_chat_new(io, syntax);

	g_at_syntax_unref(syntax);
	g_io_channel_unref(io);
	g_at_chat_set_debug(chat, debug, (gpointer) name);
	g_at_chat_send(chat, "ATE0", NULL, NULL, NULL, NULL);
	return chat;
}

static void mux_setup(GAtMux *m, gpointer user_data)
{
	char buf[256];

	if (m == NULL) {
		fail("multiplexer setup");
		return;
	}
	mux = m;
	g_at_mux_start(mux);
	g_print("multiplexer started\n");
	control = open_channel("Control");
	modem = open_channel("Modem");
	snprintf(buf, sizeof(buf), "AT+CGDCONT=1,\"IP\",\"%s\"", apn);
	g_at_chat_send(modem, buf, none_prefix, cgdcont_cb, NULL, NULL);
}

static gboolean signal_cb(GIOChannel *channel, GIOCondition cond, gpointer data)
{
	struct signalfd_siginfo si;

	if (read(GPOINTER_TO_INT(data), &si, sizeof(si)) != sizeof(si))
		return FALSE;
	if (ppp != NULL)
		g_at_ppp_shutdown(ppp);
	else
		g_main_loop_quit(loop);
	return TRUE;
}

int main(int argc, char **argv)
{
	GIOChannel *channel, *signal_io;
	GAtSyntax *syntax;
	GAtChat *chat;
	sigset_t mask;
	int signal_fd;

	if (argc != 3 && argc != 5 && argc != 6) {
		g_printerr("usage: %s PORT APN [USER PASSWORD [chap|pap]]\n",
				argv[0]);
		return 2;
	}
	apn = argv[2];
	if (argc >= 5) {
		username = argv[3];
		password = argv[4];
	}
	if (argc == 6 && strcmp(argv[5], "pap") == 0)
		method = G_AT_PPP_AUTH_METHOD_PAP;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal_fd = signalfd(-1, &mask, 0);
	signal_io = g_io_channel_unix_new(signal_fd);
	g_io_add_watch(signal_io, G_IO_IN, signal_cb, GINT_TO_POINTER(signal_fd));

	loop = g_main_loop_new(NULL, FALSE);

	channel = g_at_tty_open(argv[1], NULL);
	if (channel == NULL) {
		g_printerr("cannot open %s\n", argv[1]);
		return 1;
	}
	syntax = g_at_syntax_new_gsm_permissive();
	chat = g_at_chat_new(channel, syntax);
	g_at_syntax_unref(syntax);
	g_io_channel_unref(channel);
	g_at_chat_set_debug(chat, debug, "Port");

	/* as plugins/phonesim.c does */
	g_at_chat_send(chat, "ATE0", NULL, NULL, NULL, NULL);
	g_at_mux_setup_gsm0710(chat, mux_setup, NULL, NULL);
	g_at_chat_unref(chat);

	g_main_loop_run(loop);

	if (mux != NULL)
		g_at_mux_unref(mux);
	g_main_loop_unref(loop);
	return status;
}
