/**
 * Running commands as root on a host: directly, with {@code sudo -n}, or with {@code sudo -S}. Not a
 * supported API.
 */
@NullMarked
package dev.nixdeploy.internal.privilege;

import org.jspecify.annotations.NullMarked;
