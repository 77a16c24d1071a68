/** Test certificates made with Bouncy Castle, and JDK client SSL contexts that use them. Test scope only. */
package io.sluice.testsupport.tls;
