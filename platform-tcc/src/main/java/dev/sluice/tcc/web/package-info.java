/** XID propagation over HTTP: outbound on RestClient and WebClient, inbound on the servlet stack, into the MDC. */
package dev.sluice.tcc.web;
