/** Running commands as root on a host: directly, with {@code sudo -n}, or with {@code sudo -S}. */
@NullMarked
package dev.nixdeploy.core.privilege;

import org.jspecify.annotations.NullMarked;
