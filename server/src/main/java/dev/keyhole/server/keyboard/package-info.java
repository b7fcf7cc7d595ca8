/**
 * The keyboard layouts Keyhole can type into a console: {@link dev.keyhole.server.keyboard.KeyboardLayouts} is
 * the one list, generated with the web app's key table (the table the passphrase box plans key presses with), so
 * the configuration accepts exactly the layouts the page has a table for.
 */
package dev.keyhole.server.keyboard;
