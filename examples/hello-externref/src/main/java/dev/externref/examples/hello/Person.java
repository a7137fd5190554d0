package dev.externref.examples.hello;

/** A Java object the host hands to the module as an externref. */
public record Person(String name) {
}
