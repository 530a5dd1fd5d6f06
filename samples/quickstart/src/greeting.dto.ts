import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class GreetingDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  text!: string;
}
