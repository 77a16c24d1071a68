package io.sluice.it.harness;

/** The families of docs/reliability.md, in the order the document shows them. */
public enum CaseFamily {
    CONFORMANCE("Conformance"),
    PROPERTIES("Property tests"),
    FAULT("Faults"),
    ABUSE("Abuse from clients"),
    SECURITY("Security"),
    SOAK("Soak");

    private final String title;

    CaseFamily(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }
}
