// Original file: proto/florin/v1/series.proto


export interface ListDatasetsRequestInput {
}

export interface ListDatasetsRequestOutput {
}
