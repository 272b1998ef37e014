package dev.parcel.documents.api;

import dev.parcel.documents.Documents;
import java.time.Instant;

/** Parcel's PODDocument. */
public record DocumentView(String id, Instant createdAt, String creator, String owner, long size,
        Documents.Details details, String originatingJob) {

    static DocumentView of(Documents.Document document) {
        return new DocumentView(document.id(), document.createdAt(), document.creator(), document.owner(),
                document.size(), document.details(), document.originatingJob());
    }
}
