/*
 * What init's test drivers read of an init's state report: its <child>
 * nodes by name and their numbers. The driver parses the report into
 * state_doc.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <base/config.h>

extern struct config state_doc;

/* The <child> node of that name, if there is one (out may be NULL). */
bool state_child(const char *name, struct config_node *out);
/* A number of that child's node; 0 if there is no such child or value. */
uint64_t state_attr(const char *name, const char *attr);
/* Whether that child holds a session the server of that name serves. */
bool state_served_by(const char *name, const char *server);
