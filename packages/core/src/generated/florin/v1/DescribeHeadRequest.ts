// Original file: proto/florin/v1/head.proto


export interface DescribeHeadRequestInput {
}

export interface DescribeHeadRequestOutput {
}
